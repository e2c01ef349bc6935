"""Evaluation index (评价指数) as a policy spec: indicators over one or more registered resources,
combined per region and period. Index files live beside the resource policies, in `indices/`,
because one index draws on several departments' resources; each indicator is checked against
the policy of the resource it draws on: its columns must survive that policy's
de-identification in a form the index can use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from governance.policy.base import NUMERIC_TYPES, Identifier, Problem, StrictModel
from governance.policy.product import ProductBase, ResourcePolicy
from governance.policy.treatments import Generalize, Treatment
from transforms.linkage.cells import cell_reveals

LEVELS = {"district": 3, "city": 2, "province": 1}
BLOCKED = ("direct_identifier", "free_text")


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

    def resources(self) -> list[str]:
        """The resources the index draws on, sorted."""
        return sorted({i.resource for i in self.indicators})

    def columns_drawn(self, home: str) -> dict[str, list[str]]:
        """An index names the resources it draws on itself."""
        return self.columns_by_resource()

    def reveals_about(self, resource: str) -> list[dict[str, Any]]:
        """What the indicators drawn from `resource` tell within their region and period
        cells, at the index's scale (never the published columns themselves)."""
        told = []
        for ind in (i for i in self.indicators if i.resource == resource):
            dims = [f"{ind.region}@{self.region.level}", f"{ind.period}@{self.period.grain}"]
            filters = [(c, [str(v) for v in values]) for c, values in (ind.where or {}).items()]
            told += cell_reveals(dims, [(ind.aggregate, ind.column)], filters)
        return [k.to_json() for k in told]

    def columns_by_resource(self) -> dict[str, list[str]]:
        """Source columns each resource lends the index."""
        found: dict[str, list[str]] = {}
        for ind in self.indicators:
            named = [ind.region, ind.period, *([ind.column] if ind.column else [])]
            named += list(ind.where or {})
            found[ind.resource] = list(dict.fromkeys([*found.get(ind.resource, []), *named]))
        return found

    def problems_across(self, policies: Mapping[str, ResourcePolicy]) -> Iterator[Problem]:
        """Every indicator's references checked against its resource's policy."""
        for j, indicator in enumerate(self.indicators):
            where: tuple[str | int, ...] = ("indicators", j)
            policy = policies.get(indicator.resource)
            if policy is None:
                known = ", ".join(sorted(policies)) or "none"
                yield (
                    (*where, "resource"),
                    f"no policy declares resource '{indicator.resource}' (known: {known})",
                )
                continue
            yield from _indicator(self, indicator, policy, where)


def _indicator(
    index: IndexProduct, ind: Indicator, policy: ResourcePolicy, where: tuple[str | int, ...]
) -> Iterator[Problem]:
    if ind.aggregate == "count_subjects" and policy.resource.subject is None:
        yield (
            (*where, "aggregate"),
            f"'count_subjects' needs resource '{ind.resource}' to declare its subject",
        )
    used = [("region", ind.region), ("period", ind.period)]
    used += [("column", ind.column)] if ind.column else []
    used += [("where", name) for name in ind.where or {}]
    for key, name in used:
        column = policy.columns.get(name)
        if column is None:
            yield (*where, key), f"'{name}' is not a column of resource '{ind.resource}'"
            continue
        out = column.treatment.output_type(column.type)
        if out is None:
            yield (*where, key), f"'{name}' is dropped by the policy of '{ind.resource}'"
        elif column.category in BLOCKED:
            yield (*where, key), f"'{name}' is a {column.category.replace('_', ' ')}"
        elif key == "column" and out not in NUMERIC_TYPES:
            yield (*where, key), f"'{ind.aggregate}' needs a numeric column; '{name}' is {out}"
        elif key == "region":
            yield from _region(index, name, column.treatment, where)
        elif key == "period":
            yield from _period(index, name, column.treatment, out, where)


def _region(
    index: IndexProduct, name: str, treatment: Treatment, where: tuple[str | int, ...]
) -> Iterator[Problem]:
    if not isinstance(treatment, Generalize) or treatment.to not in LEVELS:
        return
    if LEVELS[treatment.to] < LEVELS[index.region.level]:
        yield (
            (*where, "region"),
            f"'{name}' is generalised to {treatment.to} by its policy; the index needs "
            f"{index.region.level} (choose region level {treatment.to} or coarser)",
        )


def _period(
    index: IndexProduct, name: str, treatment: Treatment, out: str, where: tuple[str | int, ...]
) -> Iterator[Problem]:
    grain = index.period.grain
    coarse = isinstance(treatment, Generalize) and treatment.to in ("year", "quarter")
    if grain == "month" and (out == "integer" or coarse):
        yield (*where, "period"), f"'{name}' holds years after de-identification, not months"
    elif out not in ("date", "datetime", "integer", "string"):
        yield (*where, "period"), f"'{name}' ({out}) cannot give a {grain}"
