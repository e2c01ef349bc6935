"""Building evaluation indices (评价指数): each draws on several resources, so it is built after
the resources' own products, from their de-identified rows, and passes the same egress gate."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows import steps
from flows.audit_trail import record_publication, record_refusals
from flows.publish import Published, publish
from flows.settings import Paths
from flows.status import result_row, settled_index, source_sha256
from governance.policy.index import IndexProduct, Indicator
from governance.policy.index_load import LoadedIndex, index_files, load_indices
from governance.policy.load import LoadedPolicy
from governance.state import State
from transforms.egress import EgressRefused, IndexRule, IndicatorRule, Origin, Release, egress_gate
from transforms.products.index import (
    INDEX,
    MISSING,
    PERIOD,
    REGION,
    SCORE_SUFFIX,
    Component,
    compose_index,
    indicator_cells,
)
from transforms.products.index_keys import period_key, region_key


@dataclass(frozen=True)
class Source:
    """One indicator's rows and keys, bound to a prepared (de-identified) resource."""

    indicator: Indicator
    frame: pl.LazyFrame
    region: pl.Expr
    period: pl.Expr
    where: pl.Expr | None
    subject: str | None


def index_fingerprint(li: LoadedIndex, policies: dict[str, LoadedPolicy], paths: Paths) -> str:
    """Same index spec, same resource policies and same source contents: same product."""
    resources = _resources(li.index)
    payload = {
        "format": 1,
        "index": li.index.model_dump(mode="json"),
        "policies": {r: policies[r].sha256 for r in resources},
        "inputs": {r: source_sha256(policies[r], paths) for r in resources},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def indices_for(
    target: Path, loaded: Sequence[LoadedPolicy], products: Sequence[str] | None = None
) -> list[LoadedIndex]:
    """The index files beside `target` (checked against its policies), or only those named."""
    indices = load_indices(index_files(target), loaded)
    return [li for li in indices if not products or li.index.id in products]


def index_pending(li: LoadedIndex, policies: dict[str, LoadedPolicy], paths: Paths) -> bool:
    """True when the index's inputs changed since its latest version."""
    return steps.up_to_date(paths, li.index, index_fingerprint(li, policies, paths)) is None


def build_index(
    li: LoadedIndex, policies: dict[str, LoadedPolicy], paths: Paths, state: State
) -> dict[str, Any]:
    """Build, gate and publish one index unless it is up to date; a result row either way."""
    index = li.index
    settled = settled_index(li, policies, paths)
    if settled is not None:
        record_refusals(paths, [settled], li.sha256)
        return settled
    print_ = index_fingerprint(li, policies, paths)
    prepared = {}
    try:
        for rid in _resources(index):
            lp = policies[rid]
            staged = steps.ingest(lp, paths)
            checked = steps.validate(lp, staged)
            prepared[rid] = steps.deidentify(lp, staged, checked, paths, state)
        sources = [_source(ind, index, prepared[ind.resource]) for ind in index.indicators]
        table = index_table(index, sources)
        try:
            rules = [_rule(index, sources)]
            cleared = egress_gate(table, lineage=index_lineage(index), rules=rules)
        except EgressRefused as refusal:
            row = result_row(index, "refused", message=str(refusal))
            record_refusals(paths, [row], li.sha256)
            return row
        published = _publish(li, policies, cleared, prepared, paths, print_)
        inputs = [i for rid in _resources(index) for i in prepared[rid].inputs]
        record_publication(paths, published, li.sha256, inputs)
    finally:
        for rid in prepared:
            shutil.rmtree(paths.work / rid, ignore_errors=True)
    _record(index, published, print_, state)
    return result_row(index, "published", manifest=published.manifest, paths=paths)


def index_table(index: IndexProduct, sources: Sequence[Source]) -> pl.DataFrame:
    """The published table: region, period, indicator values, scores, composite."""
    cells = {}
    for s in sources:
        ind = s.indicator
        found = indicator_cells(
            s.frame, region=s.region, period=s.period, aggregate=ind.aggregate,
            column=ind.column, subject=s.subject, where=s.where,
        ).collect(engine="streaming")  # fmt: skip
        if index.periods is not None:
            found = found.filter(pl.col(PERIOD).is_in(_periods(index)))
        cells[ind.id] = found
    table = compose_index(
        cells,
        [Component(i.id, i.direction, i.weight, i.per, i.per_scale) for i in index.indicators],
        min_group_size=index.min_group_size,
        normalisation=index.normalisation,
        scale=index.scale,
    )
    return table.rename({REGION: index.region.name, PERIOD: index.period.name})


def index_lineage(index: IndexProduct) -> dict[str, Origin]:
    """Region and period are generalised keys; everything else is an aggregate."""
    lineage = {
        index.region.name: Origin("dimension", None, "quasi_identifier"),
        index.period.name: Origin("dimension", None, "quasi_identifier"),
        INDEX: Origin("measure"),
        MISSING: Origin("flag"),
    }
    for ind in index.indicators:
        lineage[ind.id] = Origin("measure", ind.column)
        lineage[ind.id + SCORE_SUFFIX] = Origin("measure", ind.column)
    return lineage


def method(index: IndexProduct, policies: dict[str, LoadedPolicy]) -> dict[str, Any]:
    """How to read the number: keys, each indicator's source and formula, normalisation,
    weights and suppression, for the manifest."""
    weighted = [i for i in index.indicators if i.weight > 0]
    total = sum(i.weight for i in weighted)
    terms = [_term(i, i.weight / total, index.normalisation) for i in weighted]
    return {
        "region": index.region.model_dump(),
        "period": index.period.model_dump(),
        "periods": index.periods,
        "normalisation": index.normalisation,
        "normalised_over": "every published region and period (suppressed values left out)",
        "scale": index.scale,
        "formula": f"{INDEX} = {index.scale:g} * (" + " + ".join(terms) + ")",
        "composite_when": "every weighted indicator has a value; otherwise null",
        "min_group_size": index.min_group_size,
        "suppression": "an indicator cell covering fewer people than min_group_size is null, "
        "and so are ratios, scores and composites that need it",
        "indicators": [
            {
                **i.model_dump(mode="json", exclude_none=True),
                "department": policies[i.resource].policy.resource.department,
                "weight_share": round(i.weight / total, 6) if i.weight > 0 else 0.0,
            }
            for i in index.indicators
        ],
    }


def _term(ind: Indicator, share: float, normalisation: str) -> str:
    score = f"minmax({ind.id})" if normalisation == "min_max" else f"z({ind.id})"
    if ind.direction == "negative":
        score = f"(1 - {score})" if normalisation == "min_max" else f"-{score}"
    return f"{share:.4g} * {score}"


def _source(ind: Indicator, index: IndexProduct, prepared: steps.Prepared) -> Source:
    frame = prepared.frame()
    dtype = frame.collect_schema()[ind.period]
    where = None
    for column, values in (ind.where or {}).items():
        test = pl.col(column).cast(pl.String).is_in([str(v) for v in values])
        where = test if where is None else where & test
    return Source(
        ind,
        frame,
        region_key(ind.region, index.region.level),
        period_key(ind.period, dtype, index.period.grain),
        where,
        prepared.subject,
    )


def _rule(index: IndexProduct, sources: Sequence[Source]) -> IndexRule:
    rules = [
        IndicatorRule(
            s.indicator.id, s.frame, s.region, s.period, s.where, s.subject, s.indicator.per
        )
        for s in sources
    ]
    return IndexRule(index.region.name, index.period.name, rules, index.min_group_size)


def _periods(index: IndexProduct) -> list[int] | list[str]:
    if index.period.grain == "year":
        return [int(p) for p in index.periods or []]
    return [str(p) for p in index.periods or []]


def _resources(index: IndexProduct) -> list[str]:
    return sorted({i.resource for i in index.indicators})


def _publish(
    li: LoadedIndex,
    policies: dict[str, LoadedPolicy],
    cleared: Release,
    prepared: dict[str, steps.Prepared],
    paths: Paths,
    print_: str,
) -> Published:
    index = li.index
    meta = {
        "sluice_manifest": 1,
        "product": index.id,
        "title": index.title,
        "description": index.description,
        "kind": index.kind,
        "supply_mode": index.supply_mode,
        "purpose": index.purpose,
        "authorization": index.authorization,
        "resource": {
            "id": ",".join(_resources(index)),
            "title": "; ".join(policies[r].policy.resource.title for r in _resources(index)),
            "department": "; ".join(
                policies[r].policy.resource.department for r in _resources(index)
            ),
        },
        "resources": [
            {
                "id": r,
                "title": policies[r].policy.resource.title,
                "department": policies[r].policy.resource.department,
                "policy": {"file": policies[r].path.name, "sha256": policies[r].sha256},
            }
            for r in _resources(index)
        ],
        "policy": {"file": li.path.name, "sha256": li.sha256},
        "inputs": [i for r in _resources(index) for i in prepared[r].inputs],
        "method": method(index, policies),
        "fingerprint": print_,
    }
    return publish(cleared, product=index.id, meta=meta, publish_dir=paths.publish)


def _record(index: IndexProduct, published: Published, print_: str, state: State) -> None:
    state.record_version(
        {
            "product_id": index.id,
            "version": published.version,
            "fingerprint": print_,
            "rows": published.manifest["rows"],
            "path": str(published.path),
            "created_at": published.manifest["created_at"],
        }
    )
    state.record_product(
        {
            "product_id": index.id,
            "resource_id": ",".join(_resources(index)),
            "kind": index.kind,
            "title": index.title,
            "supply_mode": index.supply_mode,
            "purpose": index.purpose,
            "authorization_id": index.authorization,
            "latest_version": published.version,
        }
    )
