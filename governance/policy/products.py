"""Product kinds (数据产品) as policy specs. Each kind is one class; builders live in transforms."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from governance.policy.base import Identifier, ProductBase, Purpose, StrictModel, SupplyMode
from governance.policy.microdata import MicrodataProduct
from governance.policy.verification import VerificationProduct


class Dimension(StrictModel):
    """A group-by column, optionally published under another name."""

    column: str
    as_: Identifier | None = Field(None, alias="as")

    @property
    def output(self) -> str:
        return self.as_ or self.column


class Measure(StrictModel):
    """One published statistic per cell."""

    name: Identifier
    agg: Literal["count", "count_subjects", "sum", "mean", "median"]
    column: str | None = None
    round: int | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _column_matches_agg(self) -> Measure:
        counting = self.agg in ("count", "count_subjects")
        if counting and self.column:
            raise ValueError(f"'{self.agg}' counts rows or subjects and takes no 'column'")
        if not counting and not self.column:
            raise ValueError(f"'{self.agg}' needs 'column' (the numeric column to aggregate)")
        return self


class Contribution(StrictModel):
    """Contribution bounding: how often one person may count, and the range values are clamped
    to, so one person's influence on any published number is bounded."""

    max_rows_per_subject: int | None = Field(
        None, ge=1, description="Rows kept per person (chosen by a hash, not file order)."
    )
    bounds: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="Column -> [low, high]; values are clamped to it."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Contribution:
        for column, (low, high) in self.bounds.items():
            if low > high:
                raise ValueError(f"bounds of '{column}': {low:g} is above {high:g}")
        return self


class DifferentialPrivacy(StrictModel):
    """Publish the model with differential privacy (OpenDP mechanisms); the release spends
    epsilon and delta from the resource's privacy_budget."""

    mechanism: Literal["laplace", "gaussian"] = "laplace"
    epsilon: float = Field(gt=0, le=10)
    delta: float = Field(
        gt=0, lt=0.01, description="Failure probability of releasing which cells exist."
    )


class ModelProduct(ProductBase):
    """Data model (数据模型): an aggregated table whose every published cell covers enough
    people."""

    kind: Literal["model"]
    dimensions: list[str | Dimension] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)
    min_group_size: int = Field(
        10, ge=2, description="Cells covering fewer subjects than this are suppressed."
    )
    margins: list[Identifier] = Field(
        default_factory=list,
        description="Dimensions (as published) to total over; cells that totals would give "
        "away are suppressed too (secondary suppression).",
    )
    contribution: Contribution | None = None
    differential_privacy: DifferentialPrivacy | None = None

    @model_validator(mode="after")
    def _margins_are_dimensions(self) -> ModelProduct:
        outputs = [d.output for d in self.dimension_specs()]
        unknown = [m for m in self.margins if m not in outputs]
        if unknown:
            shown = ", ".join(outputs)
            raise ValueError(f"margins {', '.join(unknown)} are not dimensions ({shown})")
        if len(set(self.margins)) != len(self.margins):
            raise ValueError("margins lists a dimension twice")
        if self.differential_privacy is not None:
            if self.margins:
                raise ValueError(
                    "margins are not published with differential privacy: each total would "
                    "spend budget of its own; publish the cells and add them up"
                )
            for m in self.measures:
                if m.agg == "median":
                    raise ValueError(f"measure '{m.name}': no median under differential privacy")
                if m.agg in ("sum", "mean") and (
                    self.contribution is None or m.column not in self.contribution.bounds
                ):
                    raise ValueError(
                        f"measure '{m.name}': a {m.agg} under differential privacy needs "
                        f"contribution.bounds for '{m.column}'"
                    )
        return self

    def dimension_specs(self) -> list[Dimension]:
        return [d if isinstance(d, Dimension) else Dimension(column=d) for d in self.dimensions]

    def source_columns(self) -> list[str]:
        named = [d.column for d in self.dimension_specs()]
        named += [m.column for m in self.measures if m.column]
        return list(dict.fromkeys(named))


PRODUCT_KINDS: tuple[type[ProductBase], ...] = (ModelProduct, MicrodataProduct, VerificationProduct)
"""Registry of product kinds, keyed by their `kind` literal."""

__all__ = [
    "PRODUCT_KINDS",
    "Dimension",
    "Measure",
    "MicrodataProduct",
    "ModelProduct",
    "ProductBase",
    "ProductSpec",
    "Purpose",
    "SupplyMode",
    "VerificationProduct",
]

ProductSpec = Annotated[Union[PRODUCT_KINDS], Field(discriminator="kind")]  # noqa: UP007
