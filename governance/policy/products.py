"""Product kinds (数据产品) as policy specs. Each kind is one class; builders live in transforms."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from governance.policy.base import Identifier, ProductBase, Purpose, StrictModel, SupplyMode
from governance.policy.microdata import MicrodataProduct


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

    @model_validator(mode="after")
    def _margins_are_dimensions(self) -> ModelProduct:
        outputs = [d.output for d in self.dimension_specs()]
        unknown = [m for m in self.margins if m not in outputs]
        if unknown:
            shown = ", ".join(outputs)
            raise ValueError(f"margins {', '.join(unknown)} are not dimensions ({shown})")
        if len(set(self.margins)) != len(self.margins):
            raise ValueError("margins lists a dimension twice")
        return self

    def dimension_specs(self) -> list[Dimension]:
        return [d if isinstance(d, Dimension) else Dimension(column=d) for d in self.dimensions]

    def source_columns(self) -> list[str]:
        named = [d.column for d in self.dimension_specs()]
        named += [m.column for m in self.measures if m.column]
        return list(dict.fromkeys(named))


PRODUCT_KINDS: tuple[type[ProductBase], ...] = (ModelProduct, MicrodataProduct)
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
]

ProductSpec = Annotated[Union[PRODUCT_KINDS], Field(discriminator="kind")]  # noqa: UP007
