"""Microdata product (匿名化个人信息数据集): anonymised records for open data and sharing.

Quasi-identifiers are generalised along hierarchies and whole classes suppressed until every
privacy setting holds; the egress gate measures the settings again on the published rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from governance.policy.base import ProductBase, StrictModel

HIERARCHY_FORMS = ("intervals", "dates", "district", "masking", "file")
DateLevel = Literal["month", "quarter", "year"]


class HierarchySpec(StrictModel):
    """How one quasi-identifier is coarsened, level by level, up to "*": exactly one form."""

    intervals: list[float] | None = Field(
        None, description="Band widths, each a multiple of the one before (numeric columns)."
    )
    dates: list[DateLevel] | None = Field(
        None, description="Date levels, an increasing subset of month, quarter, year."
    )
    district: bool | None = Field(
        None, description="6-digit administrative code -> city -> province -> *."
    )
    masking: bool | None = Field(
        None, description="Mask one more character from the right at each level."
    )
    file: str | None = Field(
        None, description="ARX hierarchy CSV (one row per value, one column per level), "
        "relative to the policy file.",
    )  # fmt: skip
    separator: str = Field(";", min_length=1, max_length=1, description="Separator of 'file'.")

    @model_validator(mode="after")
    def _one_form(self) -> HierarchySpec:
        given = [f for f in HIERARCHY_FORMS if getattr(self, f) not in (None, False)]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"give exactly one hierarchy form of {', '.join(HIERARCHY_FORMS)} (found {found})"
            )
        if self.intervals is not None and not self.intervals:
            raise ValueError("'intervals' needs at least one band width, e.g. [5, 10]")
        if self.dates is not None and not self.dates:
            raise ValueError("'dates' needs at least one level, e.g. [month, year]")
        if "separator" in self.model_fields_set and self.file is None:
            raise ValueError("'separator' applies only to a hierarchy 'file'")
        return self

    @property
    def form(self) -> str:
        """The one form given."""
        return next(f for f in HIERARCHY_FORMS if getattr(self, f) not in (None, False))


class QuasiIdentifierSpec(StrictModel):
    """A column an attacker may know about a person; without a hierarchy it is kept or
    suppressed ("*"), nothing between."""

    column: str
    hierarchy: HierarchySpec | None = None


class DiversitySpec(StrictModel):
    """l-diversity of one sensitive column: each class holds at least l well-represented values."""

    column: str
    l: float = Field(json_schema_extra={"minimum": 2})  # noqa: E741
    kind: Literal["distinct", "entropy", "recursive"] = "distinct"
    c: float | None = Field(
        None, gt=0, description="Recursive (c,l)-diversity only: the most frequent value must "
        "be rarer than c times the sum of the less frequent ones.",
    )  # fmt: skip

    @field_validator("l")
    @classmethod
    def _at_least_two(cls, value: float) -> float:
        if value < 2:
            raise ValueError(
                f"l must be at least 2: a class with a single sensitive value reveals it "
                f"(got {value:g})"
            )
        return value

    @model_validator(mode="after")
    def _kind_fits(self) -> DiversitySpec:
        if self.kind == "recursive" and self.c is None:
            raise ValueError("recursive l-diversity needs 'c' (e.g. c: 3)")
        if self.kind != "recursive" and self.c is not None:
            raise ValueError(f"'c' applies only to kind 'recursive', not '{self.kind}'")
        if self.kind != "entropy" and not float(self.l).is_integer():
            raise ValueError(f"{self.kind} l-diversity needs a whole number l (got {self.l:g})")
        return self


class ClosenessSpec(StrictModel):
    """t-closeness of one sensitive column: each class's distribution stays within distance t of
    the whole data's."""

    column: str
    t: float = Field(json_schema_extra={"minimum": 0, "maximum": 1})
    distance: Literal["equal", "ordered"] = Field(
        "equal", description="'ordered' for values with an order (amounts), 'equal' otherwise."
    )

    @field_validator("t")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"t is a distance between 0 and 1 (got {value:g})")
        return value


class PrivacySpec(StrictModel):
    """What the release guarantees; at least one setting."""

    k: int | None = Field(None, ge=2, description="Every published class has at least k rows.")
    environment: Literal["public", "controlled", "enclave"] | None = Field(
        None, description="Release environment: its risk threshold sets k "
        "(public 20, controlled 5, enclave 3) and the gate checks the prosecutor risk.",
    )  # fmt: skip
    l_diversity: list[DiversitySpec] = Field(default_factory=list)
    t_closeness: list[ClosenessSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> PrivacySpec:
        if (
            self.k is None
            and self.environment is None
            and not (self.l_diversity or self.t_closeness)
        ):
            raise ValueError("set at least one of k, environment, l_diversity, t_closeness")
        return self

    def sensitive_columns(self) -> list[str]:
        """Columns the l and t settings protect, in first-mention order."""
        named = [d.column for d in self.l_diversity] + [t.column for t in self.t_closeness]
        return list(dict.fromkeys(named))


class MicrodataProduct(ProductBase):
    """Microdata (匿名化数据集): one row per record, quasi-identifiers generalised and rare
    combinations suppressed so the privacy settings hold."""

    kind: Literal["microdata"]
    quasi_identifiers: list[QuasiIdentifierSpec] = Field(min_length=1)
    include: list[str] = Field(
        default_factory=list,
        description="Other columns published as they are after the resource's treatments.",
    )
    privacy: PrivacySpec
    max_suppression: float = Field(
        0.0, ge=0.0, le=1.0, description="Share of the rows that may be suppressed (0..1)."
    )
    metric: Literal["dm", "loss", "entropy", "aecs"] = Field(
        "loss", description="Information loss the search minimises."
    )
    local: bool = Field(
        False,
        description="Refine the optimum class by class (local recoding): lower DM, mixed "
        "generalisation levels within a column; k-anonymity and environments only.",
    )

    @model_validator(mode="after")
    def _local_needs_k_only(self) -> MicrodataProduct:
        if self.local and (self.privacy.l_diversity or self.privacy.t_closeness):
            raise ValueError(
                "local: true supports k and environment only: a class split by local recoding "
                "can break l-diversity or t-closeness; remove 'local' or those settings"
            )
        if self.local and self.privacy.k is None and self.privacy.environment is None:
            raise ValueError("local: true needs privacy.k or privacy.environment")
        return self

    def qi_columns(self) -> list[str]:
        return [q.column for q in self.quasi_identifiers]

    def output_columns(self) -> list[str]:
        """Published columns: quasi-identifiers, included columns, then sensitive columns."""
        named = [*self.qi_columns(), *self.include, *self.privacy.sensitive_columns()]
        return list(dict.fromkeys(named))

    def source_columns(self) -> list[str]:
        return self.output_columns()
