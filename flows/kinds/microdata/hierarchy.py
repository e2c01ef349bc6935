"""How a microdata product coarsens each quasi-identifier, as a policy writes it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from governance.policy.base import StrictModel

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
