"""Evaluation index (评价指数) as a policy spec: indicators over one or more registered resources,
combined per region and period. Index files live beside the resource policies, in `indices/`,
because one index draws on several departments' resources."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from governance.policy.base import Identifier, ProductBase, StrictModel


class RegionKey(StrictModel):
    """The published region column and the level every indicator is brought to."""

    name: Identifier = "region"
    level: Literal["district", "city", "province"]


class PeriodKey(StrictModel):
    """The published period column and its grain."""

    name: Identifier = "period"
    grain: Literal["year", "month"]


class Indicator(StrictModel):
    """One indicator: an aggregate of a resource's de-identified rows per region and period."""

    id: Identifier
    title: str = Field(min_length=1)
    resource: Identifier = Field(description="Id of the registered resource it is computed from.")
    region: str = Field(description="The resource's district-code column.")
    period: str = Field(description="The resource's date, datetime, year or 'YYYY-MM' column.")
    aggregate: Literal["count", "count_subjects", "sum", "mean", "median"]
    column: str | None = Field(None, description="Numeric column for sum, mean and median.")
    where: dict[str, list[str | int | float]] | None = Field(
        None, description="Only rows whose column holds one of the listed values."
    )
    per: Identifier | None = Field(
        None, description="Divide by this other indicator (e.g. insured people)."
    )
    per_scale: float = Field(1.0, gt=0, description="Multiplier of a ratio, e.g. 10000.")
    direction: Literal["positive", "negative"] = Field(
        "positive", description="'negative': a higher value makes the index lower."
    )
    weight: float = Field(
        ge=0, description="Share in the composite; 0 publishes it without using it."
    )
    unit: str | None = None

    @model_validator(mode="after")
    def _column_matches_aggregate(self) -> Indicator:
        counting = self.aggregate in ("count", "count_subjects")
        if counting and self.column:
            raise ValueError(f"'{self.aggregate}' counts rows or people and takes no 'column'")
        if not counting and not self.column:
            raise ValueError(f"'{self.aggregate}' needs 'column' (the numeric column)")
        return self


class IndexProduct(ProductBase):
    """A composite index published per region and period, with its method in the manifest."""

    kind: Literal["index"] = "index"
    region: RegionKey
    period: PeriodKey
    periods: list[int | str] | None = Field(
        None, description="Publish only these periods (years, or 'YYYY-MM' months)."
    )
    indicators: list[Indicator] = Field(min_length=1)
    normalisation: Literal["min_max", "z_score"] = "min_max"
    scale: float = Field(100.0, gt=0, description="The composite is the weighted score x scale.")
    min_group_size: int = Field(
        10, ge=2, description="Indicator cells covering fewer people are suppressed."
    )

    @model_validator(mode="after")
    def _references(self) -> IndexProduct:
        ids = [i.id for i in self.indicators]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"indicator ids must be unique: {', '.join(duplicates)}")
        for ind in self.indicators:
            if ind.per is not None and ind.per not in ids:
                raise ValueError(f"indicator '{ind.id}': 'per' names unknown '{ind.per}'")
            if ind.per == ind.id:
                raise ValueError(f"indicator '{ind.id}' cannot be divided by itself")
        if not any(i.weight > 0 for i in self.indicators):
            raise ValueError("at least one indicator needs a weight above 0")
        taken = {self.region.name, self.period.name, "index", "inputs_suppressed"}
        clash = sorted(taken & {*ids, *(i + "_score" for i in ids)})
        if clash or self.region.name == self.period.name:
            raise ValueError(f"published column names clash: {', '.join(clash) or 'region'}")
        return self

    def columns_by_resource(self) -> dict[str, list[str]]:
        """Source columns each resource lends the index."""
        found: dict[str, list[str]] = {}
        for ind in self.indicators:
            named = [ind.region, ind.period, *([ind.column] if ind.column else [])]
            named += list(ind.where or {})
            found[ind.resource] = list(dict.fromkeys([*found.get(ind.resource, []), *named]))
        return found


class IndexFile(StrictModel):
    """An index file: `sluice: 1` and one or more indices."""

    sluice: Literal[1] = Field(description="Policy format version.")
    indices: list[IndexProduct] = Field(min_length=1)
