"""Product kinds (数据产品) as policy specs. Each kind is one class; builders live in transforms."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from governance.policy.base import Identifier, StrictModel

SupplyMode = Literal["shared", "open", "authorized"]
Purpose = Literal["public_welfare", "industry"]


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
        return self


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

    def dimension_specs(self) -> list[Dimension]:
        return [d if isinstance(d, Dimension) else Dimension(column=d) for d in self.dimensions]


PRODUCT_KINDS: tuple[type[ProductBase], ...] = (ModelProduct,)
"""Registry of product kinds, keyed by their `kind` literal."""

ProductSpec = Annotated[Union[PRODUCT_KINDS], Field(discriminator="kind")]  # noqa: UP007
