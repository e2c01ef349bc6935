"""Shared pieces of the policy models: strict parsing and the names policies may use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

if TYPE_CHECKING:
    from governance.policy.models import Policy


class StrictModel(BaseModel):
    """Unknown keys are errors: a misspelt key is never silently ignored in a privacy policy."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
]
"""Resource and product ids: lower-case snake case, safe as a folder name and a SQL name."""

Category = Literal[
    "direct_identifier", "quasi_identifier", "sensitive_attribute", "non_personal", "free_text"
]
Grade = Literal["general-1", "general-2", "general-3", "general-4", "important", "core"]
"""GB/T 43697 grades, low to high."""
ColumnType = Literal["string", "integer", "float", "date", "datetime", "boolean"]
NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "float"})
TEMPORAL_TYPES: frozenset[str] = frozenset({"date", "datetime"})


Problem = tuple[tuple[str | int, ...], str]
"""A problem a single field cannot see: the key path it belongs to, and the message."""

SupplyMode = Literal["shared", "open", "authorized"]
Purpose = Literal["public_welfare", "industry"]


class Price(StrictModel):
    """An authorized product's price, below its authorization's cap (政府指导定价)."""

    amount: float = Field(ge=0)
    unit: Literal["per_call", "per_period", "per_volume", "per_product"]


class ProductBase(StrictModel):
    """What every product declares: who may receive it (supply mode) and why (purpose)."""

    id: Identifier
    kind: str
    title: str = Field(min_length=1)
    description: str | None = None
    supply_mode: SupplyMode
    purpose: Purpose
    authorization: str | None = Field(
        None, description="Authorization id; required when supply_mode is 'authorized'."
    )
    scenario: Identifier | None = Field(
        None, description="The authorization's scenario this product serves (依场景授权)."
    )
    price: Price | None = Field(
        None, description="What the operator charges; free when omitted (public welfare is)."
    )

    @model_validator(mode="after")
    def _authorization_matches_mode(self) -> ProductBase:
        if self.supply_mode == "authorized" and not self.authorization:
            raise ValueError(
                "supply_mode 'authorized' needs 'authorization' (the authorization id)"
            )
        if self.supply_mode != "authorized" and self.authorization:
            raise ValueError(
                "'authorization' only applies to supply_mode 'authorized', "
                f"not '{self.supply_mode}'"
            )
        for key in ("scenario", "price"):
            if self.supply_mode != "authorized" and getattr(self, key) is not None:
                raise ValueError(f"'{key}' only applies to supply_mode 'authorized'")
        return self

    def source_columns(self) -> list[str]:
        """Columns of the resource the product draws on (checked against an authorization)."""
        raise NotImplementedError

    def problems(self, policy: Policy, base: Path | None) -> Iterator[Problem]:
        """What the product gets wrong about its resource's columns, with key paths relative
        to the product; files it names are looked up relative to `base`, the policy's folder."""
        return iter(())

    def problems_across(self, policies: Mapping[str, Policy]) -> Iterator[Problem]:
        """For a product declared beside the policies (an index): what it gets wrong about the
        resources it draws on, with key paths relative to the product."""
        return iter(())
