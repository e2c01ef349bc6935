"""Verification products (数据核验) as policy specs: claims a consumer may submit about one
identifier, answered only match / no_match / not_found / invalid, from an index of keyed
pseudonyms that stays inside the domain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from governance.policy.base import NUMERIC_TYPES, Identifier, Problem, StrictModel
from governance.policy.product import ProductBase, ResourcePolicy
from governance.policy.release import Shape

STATUSES = ("match", "no_match", "not_found", "invalid")


class ClaimIdentifier(StrictModel):
    """The column a claim names its subject by, and how a claimed value is checked."""

    column: str
    entity: str | None = Field(
        None,
        description="Detector entity (e.g. CN_RESIDENT_ID, CN_USCC): claims whose identifier "
        "fails its checksum are answered 'invalid' and never matched.",
    )


class ClaimType(StrictModel):
    """One kind of claim: each part must hold on one record of the identified subject.

    `match` compares claim fields with columns (as keyed pseudonyms: names never sit in the
    index); `where` selects the records a claim field names (e.g. the year); `at_least`
    compares a column with a claimed number; `require` fixes values a record must hold."""

    id: Identifier
    title: str = Field(min_length=1)
    match: dict[str, Identifier] = Field(
        default_factory=dict, description="Column -> claim field holding the claimed value."
    )
    where: dict[str, Identifier] = Field(
        default_factory=dict, description="Column -> claim field that selects records."
    )
    at_least: dict[str, Identifier] = Field(
        default_factory=dict, description="Numeric column -> claim field with its minimum."
    )
    require: dict[str, list[str | int | float]] = Field(
        default_factory=dict, description="Column -> the values a record must hold."
    )
    thresholds: dict[Identifier, list[float]] = Field(
        default_factory=dict,
        description="at_least claim field -> the only minimums a claim may name. A free "
        "number would let one batch sweep a person's exact value.",
    )

    @model_validator(mode="after")
    def _thresholds_declared(self) -> ClaimType:
        numeric = set(self.at_least.values())
        for field in sorted(numeric - set(self.thresholds)):
            raise ValueError(
                f"claim '{self.id}': the minimum in '{field}' needs a declared set of "
                f"thresholds (thresholds: {{{field}: [3, 6, 12]}}); a free number lets a batch "
                "sweep a person's exact value"
            )
        for field, values in self.thresholds.items():
            if field not in numeric:
                raise ValueError(
                    f"claim '{self.id}': thresholds for '{field}', which is not an at_least "
                    "field of this claim"
                )
            if not values or len(set(values)) != len(values):
                raise ValueError(
                    f"claim '{self.id}': thresholds of '{field}' must be distinct values, "
                    "at least one"
                )
        return self

    def fields(self) -> list[str]:
        """Claim fields this type reads, besides the identifier."""
        named = [*self.match.values(), *self.where.values(), *self.at_least.values()]
        return list(dict.fromkeys(named))

    def columns(self) -> list[str]:
        named = [*self.match, *self.where, *self.at_least, *self.require]
        return list(dict.fromkeys(named))


class Enumeration(StrictModel):
    """What one operator may try against one product within a window of days, across all its
    batches: the limits that tell a verification client from someone enumerating the data.

    Claims are counted once however often they are repeated. A batch that crosses a limit is
    answered not at all, refused naming the rule, and audited. Every limit but the probe share
    depends only on what the operator sent; the probe share depends on the data, so crossing
    it also suspends the operator on the product for `window_days`: a refusal tells at most
    one bit per window."""

    window_days: int = Field(
        30, ge=1, le=366, description="Days of history every limit below is judged over."
    )
    max_values_per_identifier: int = Field(
        3,
        ge=1,
        description="Different values of one claim field (any field: names, years, numbers, "
        "dates) tried for one identifier within the window.",
    )
    max_thresholds_per_identifier: int = Field(
        2,
        ge=1,
        description="Different declared minimums of one at_least field tried for one "
        "identifier within the window: a number can be narrowed to one of this many + 1 bands.",
    )
    max_invalid_share: float = Field(
        0.3,
        gt=0,
        le=1,
        description="Share of invalid claims among the window's distinct claims. An answer is "
        "invalid for what the claim says, never for the data, so crossing it tells nothing and "
        "suspends no one.",
    )
    max_probe_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of not_found and no_match among the window's distinct valid claims, "
        "judged after answering; crossing it suspends the operator on the product for "
        "window_days.",
    )
    min_claims_for_share: int = Field(
        20,
        ge=1,
        description="Shares are judged as if the window held at least this many distinct "
        "claims, so small batches are not exempt and a new operator's first few claims are "
        "not judged on their own.",
    )
    max_claims_per_batch: int = Field(
        100_000, ge=1, description="Claims in one batch (repeats included)."
    )
    max_batches_per_window: int = Field(
        3_000,
        ge=1,
        description="Answered batches within the window: bounds how adaptively claims can "
        "follow earlier answers.",
    )


class VerificationProduct(ProductBase):
    """Data verification (数据核验): answers claims without revealing data."""

    kind: Literal["verification"]
    identifier: ClaimIdentifier
    claims: list[ClaimType] = Field(min_length=1)
    key: Identifier | None = Field(
        None, description="Key of the index's pseudonyms (default: verification-<id>)."
    )
    reveal_failed_part: bool = Field(
        False, description="Also say which part failed (columns named in 'failed')."
    )
    membership: Literal["reveal", "hide"] = Field(
        "reveal",
        description="'hide' answers not_found as no_match, so a claim about someone who is "
        "not in the data cannot be told from a wrong claim about someone who is.",
    )
    enumeration: Enumeration = Enumeration()

    @model_validator(mode="after")
    def _claims_are_distinct(self) -> VerificationProduct:
        ids = [c.id for c in self.claims]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"claim ids must be unique: {', '.join(twice)}")
        for claim in self.claims:
            if not (claim.match or claim.where or claim.at_least or claim.require):
                raise ValueError(f"claim '{claim.id}' checks nothing: give match, at_least, ...")
            if "identifier" in claim.fields() or "claim" in claim.fields():
                raise ValueError(f"claim '{claim.id}': 'claim' and 'identifier' are reserved")
        if self.membership == "hide" and self.reveal_failed_part:
            raise ValueError(
                "membership: hide cannot be combined with reveal_failed_part: true (which parts "
                "failed tells a known subject from an unknown one); drop one of them"
            )
        return self

    @property
    def key_id(self) -> str:
        return self.key or f"verification-{self.id}"

    def source_columns(self) -> list[str]:
        named = [self.identifier.column, *(c for claim in self.claims for c in claim.columns())]
        return list(dict.fromkeys(named))

    def reveals(self) -> list[dict[str, Any]]:
        """What answers tell about a person: a matched or selecting column exactly (the claim
        names the value), a minimum's column up to the band between the declared thresholds,
        a required column whether its value is in the set."""
        found: list[dict[str, Any]] = []
        for claim in self.claims:
            for column in (*claim.match, *claim.where):
                found.append({"column": column, "form": "exact"})
            for column, field in claim.at_least.items():
                cuts = sorted(claim.thresholds.get(field, []))
                found.append({"column": column, "form": "cuts", "cuts": cuts})
            for column, values in claim.require.items():
                found.append({"column": column, "form": "sets", "sets": [[str(v) for v in values]]})
        return found

    def shape(self) -> Shape:
        """Answers about one identified subject; no column's values leave."""
        return Shape("verification", released=())

    def problems(self, policy: ResourcePolicy, base: Path | None) -> Iterator[Problem]:
        """Every column a claim reads exists; minimums compare numbers (the release matrix
        refuses secret ones)."""
        if self.identifier.column not in policy.columns:
            yield ("identifier", "column"), f"'{self.identifier.column}' is not a declared column"
        for j, claim in enumerate(self.claims):
            for part in ("match", "where", "at_least", "require"):
                for name in getattr(claim, part):
                    declared = policy.columns.get(name)
                    at = ("claims", j, part, name)
                    if declared is None:
                        yield at, f"'{name}' is not a declared column"
                    elif part == "at_least" and declared.type not in NUMERIC_TYPES:
                        yield at, f"'at_least' compares numbers; '{name}' is {declared.type}"
