"""What a microdata release guarantees, as a policy writes it: each setting becomes one of the
privacy models of transforms/anonymize, which the search, the gate and the report all use, so
a rule about l or t is stated once, there."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from governance.policy.base import StrictModel
from transforms.anonymize import (
    AnonymizationError,
    PrivacyModel,
    TCloseness,
    diversity_model,
    privacy_models,
)
from transforms.anonymize.models import class_floor
from transforms.anonymize.risk import RISK_THRESHOLDS, Environment, environment_met


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
        if self.kind != "recursive" and self.c is not None:
            raise ValueError(f"'c' applies only to kind 'recursive', not '{self.kind}'")
        self.model()
        return self

    def model(self) -> PrivacyModel:
        """The l-diversity model this setting asks for."""
        try:
            return diversity_model(self.column, self.kind, self.l, self.c)
        except AnonymizationError as exc:
            raise ValueError(str(exc)) from None


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
        try:
            TCloseness("t", value)
        except AnonymizationError as exc:
            raise ValueError(str(exc)) from None
        return value


class PrivacySpec(StrictModel):
    """What the release guarantees; at least one setting."""

    k: int | None = Field(None, ge=2, description="Every published class has at least k rows.")
    environment: Literal[tuple(RISK_THRESHOLDS)] | None = Field(  # type: ignore[valid-type]
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

    def models(self) -> list[PrivacyModel]:
        """The privacy models the release must meet: k, the environment, then each l and t."""
        return privacy_models(
            self.k,
            self.environment,
            [(d.column, d.kind, d.l, d.c) for d in self.l_diversity],
            [(t.column, t.t, t.distance == "ordered") for t in self.t_closeness],
        )

    def strength(self) -> Environment | None:
        """The strictest release environment the settings' class sizes meet (None: weaker than
        an enclave's, or no size setting)."""
        floor = class_floor(self.models())
        return environment_met(floor.k if floor is not None else None)

    def render(self) -> str:
        """The settings as a plan shows them."""
        return ", ".join(m.render() for m in self.models())
