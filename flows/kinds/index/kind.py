"""The evaluation index kind (评价指数): indicators over several departments' resources per region
and period, normalised, weighted and combined; a cell with too few people hides its value and
everything built on it, and the gate recounts every cell behind a published value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from flows.kinds.base import (
    Declared,
    GateRequest,
    Job,
    PlanTable,
    Prepared,
    ProductKind,
    digest,
    product_use,
    with_subject,
)
from flows.kinds.index.cells import index_cells
from flows.kinds.index.spec import IndexProduct, Indicator
from flows.kinds.linkage import refuse_if_exposing
from flows.kinds.linked import linked_rule, protect
from governance.authorization.scope import Use
from transforms.egress import IndexRule, IndicatorRule, Origin, Release
from transforms.footprint import Footprint
from transforms.products.index import INDEX, MISSING, SCORE_SUFFIX, Component
from transforms.products.index_keys import period_key, region_key
from transforms.products.index_sources import IndicatorSource, index_table


class IndexKind(ProductKind[IndexProduct, pl.DataFrame]):
    name = "index"
    delivery = "index"
    spec = IndexProduct
    in_index_files = True

    def draws_on(self, spec: IndexProduct) -> list[str]:
        return spec.resources()

    def fingerprint(self, spec: IndexProduct, declared: Declared, inputs: Mapping[str, str]) -> str:
        """Same index spec, same resource policies and same source contents: same product."""
        payload = {
            "format": 1,
            "index": spec.model_dump(mode="json"),
            "policies": {r: declared.policies[r].sha256 for r in declared.resources},
            "inputs": {r: inputs[r] for r in declared.resources},
        }
        return digest(payload)

    def use(self, spec: IndexProduct, declared: Declared) -> Use:
        """What the index draws on from each of its resources, people counted through each
        resource's subject."""
        columns = {
            r: with_subject(named, declared, r) for r, named in spec.columns_by_resource().items()
        }
        return product_use(spec, declared, columns)

    def describe(self, spec: IndexProduct) -> str:
        return (
            f"per {spec.region.level} ({spec.region.name}) and {spec.period.grain} "
            f"({spec.period.name}) from {', '.join(spec.resources())}: {spec.normalisation} "
            f"scores x {spec.scale:g}, cells < {spec.min_group_size} people hidden"
        )

    def details(self, spec: IndexProduct) -> PlanTable:
        rows = []
        for ind in spec.indicators:
            where = "; ".join(f"{c} in {v}" for c, v in (ind.where or {}).items())
            ratio = f"/ {ind.per} x {ind.per_scale:g}" if ind.per else ""
            weight = f"{ind.weight:g}"
            aggregate = f"{ind.aggregate}({ind.column or ''})"
            rows.append((ind.id, ind.resource, aggregate, where, ratio, ind.direction, weight))
        columns = ("indicator", "resource", "aggregate", "filter", "ratio", "direction", "weight")
        return PlanTable(columns, tuple(rows))

    def build(self, job: Job[IndexProduct]) -> pl.DataFrame:
        """Compose, then hide the cells the resources' live tables make it hide (a hidden
        cell changes the normalisation, so the index is composed again)."""
        spec = job.spec
        refuse_if_exposing(job, "cells", "index")
        sources = _sources(spec, job.sources)

        def compose(hidden: dict[str, set[tuple[object, object]]] | None) -> pl.DataFrame:
            return index_table(
                sources,
                min_group_size=spec.min_group_size,
                normalisation=spec.normalisation,
                scale=spec.scale,
                periods=_periods(spec),
                names=(spec.region.name, spec.period.name),
                hidden=hidden,
            )

        table = compose(None)
        pattern = protect(job, index_cells(job, table, sources))
        if not pattern.hide:
            return table
        keys = table.select(spec.region.name, spec.period.name).rows()
        hidden = {
            spec.indicators[part].id: {keys[row] for row in rows}
            for part, rows in pattern.hide.items()
        }
        return compose(hidden)

    def gate(self, job: Job[IndexProduct], built: pl.DataFrame) -> GateRequest:
        spec = job.spec
        rules = [
            IndicatorRule(s.component.id, s.frame, s.region, s.period, s.where, s.subject,
                          s.component.per)
            for s in _sources(spec, job.sources)
        ]  # fmt: skip
        rule = IndexRule(spec.region.name, spec.period.name, rules, spec.min_group_size)
        sources = _sources(spec, job.sources)
        linked = linked_rule(job, lambda frame: index_cells(job, frame, sources))
        return GateRequest(built, _lineage(spec), [rule, linked])

    def resource_section(self, declared: Declared) -> dict[str, Any]:
        resources = [declared.policies[r] for r in declared.resources]
        return {
            "resource": {
                "id": ",".join(declared.resources),
                "title": "; ".join(lp.policy.resource.title for lp in resources),
                "department": "; ".join(lp.policy.resource.department for lp in resources),
            },
            "resources": [
                {
                    "id": lp.policy.resource.id,
                    "title": lp.policy.resource.title,
                    "department": lp.policy.resource.department,
                    "policy": {"file": lp.path.name, "sha256": lp.sha256},
                }
                for lp in resources
            ],
        }

    def method(self, spec: IndexProduct, declared: Declared) -> dict[str, Any]:
        """How to read the number: keys, each indicator's source and formula, normalisation,
        weights and suppression."""
        weighted = [i for i in spec.indicators if i.weight > 0]
        total = sum(i.weight for i in weighted)
        terms = [_term(i, i.weight / total, spec.normalisation) for i in weighted]
        return {
            "method": {
                "region": spec.region.model_dump(),
                "period": spec.period.model_dump(),
                "periods": spec.periods,
                "normalisation": spec.normalisation,
                "normalised_over": "every published region and period (suppressed values left out)",
                "scale": spec.scale,
                "formula": f"{INDEX} = {spec.scale:g} * (" + " + ".join(terms) + ")",
                "composite_when": "every weighted indicator has a value; otherwise null",
                "min_group_size": spec.min_group_size,
                "suppression": "an indicator cell covering fewer people than min_group_size is "
                "null, and so are ratios, scores and composites that need it",
                "indicators": [
                    {
                        **i.model_dump(mode="json", exclude_none=True),
                        "department": declared.policies[i.resource].policy.resource.department,
                        "weight_share": round(i.weight / total, 6) if i.weight > 0 else 0.0,
                    }
                    for i in spec.indicators
                ],
            }
        }

    def footprint(self, job: Job[IndexProduct], built: pl.DataFrame, cleared: Release) -> Footprint:
        """One table of cells per indicator, keyed by region and period, a hidden value null."""
        sources = _sources(job.spec, job.sources)
        return Footprint(job.spec.id, tuple(index_cells(job, cleared.frame, sources)))


def _sources(spec: IndexProduct, prepared: Mapping[str, Prepared]) -> list[IndicatorSource]:
    """Each indicator bound to the de-identified rows of its resource."""
    return [_source(ind, spec, prepared[ind.resource]) for ind in spec.indicators]


def _source(ind: Indicator, spec: IndexProduct, prepared: Prepared) -> IndicatorSource:
    frame = prepared.frame()
    dtype = frame.collect_schema()[ind.period]
    where = None
    for column, values in (ind.where or {}).items():
        test = pl.col(column).cast(pl.String).is_in([str(v) for v in values])
        where = test if where is None else where & test
    return IndicatorSource(
        Component(ind.id, ind.direction, ind.weight, ind.per, ind.per_scale),
        ind.aggregate,
        ind.column,
        frame,
        region_key(ind.region, spec.region.level),
        period_key(ind.period, dtype, spec.period.grain),
        where,
        prepared.subject,
    )


def _lineage(spec: IndexProduct) -> dict[str, Origin]:
    """Region and period are generalised keys; everything else is an aggregate."""
    lineage = {
        spec.region.name: Origin("dimension", None, "quasi_identifier"),
        spec.period.name: Origin("dimension", None, "quasi_identifier"),
        INDEX: Origin("measure"),
        MISSING: Origin("flag"),
    }
    for ind in spec.indicators:
        lineage[ind.id] = Origin("measure", ind.column)
        lineage[ind.id + SCORE_SUFFIX] = Origin("measure", ind.column)
    return lineage


def _term(ind: Indicator, share: float, normalisation: str) -> str:
    score = f"minmax({ind.id})" if normalisation == "min_max" else f"z({ind.id})"
    if ind.direction == "negative":
        score = f"(1 - {score})" if normalisation == "min_max" else f"-{score}"
    return f"{share:.4g} * {score}"


def _periods(spec: IndexProduct) -> list[int] | list[str] | None:
    if spec.periods is None:
        return None
    if spec.period.grain == "year":
        return [int(p) for p in spec.periods]
    return [str(p) for p in spec.periods]
