"""An index's indicators as table cells of their resources, with exact values recounted from
the de-identified rows: what the ledger records and the joint audit links with the resource's
other tables. An indicator published as a ratio gives its count away wherever the denominator
is published, so its count is taken as shown wherever the ratio is."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from flows.kinds.base import Job
from flows.kinds.index.spec import IndexProduct, Indicator
from flows.kinds.linked import basis
from transforms.footprint import CellTable, Statistic
from transforms.products.index import PERIOD, REGION, SUBJECTS, VALUE, indicator_cells
from transforms.products.index_sources import IndicatorSource


def index_cells(
    job: Job[IndexProduct], frame: pl.DataFrame, sources: list[IndicatorSource]
) -> list[CellTable]:
    """One table part per indicator, row for row with `frame` (the published index)."""
    spec = job.spec
    keys = [spec.region.name, spec.period.name]
    region, period = spec.region.level, spec.period.grain
    parts = []
    for ind, source in zip(spec.indicators, sources, strict=True):
        exact = indicator_cells(
            source.frame, region=source.region, period=source.period,
            aggregate=source.aggregate, column=source.column, subject=source.subject,
            where=source.where,
        ).collect(engine="streaming")  # fmt: skip
        exact = exact.rename({REGION: keys[0], PERIOD: keys[1]})
        rows = frame.select(*keys, ind.id).join(
            exact.select(*keys, VALUE, SUBJECTS), on=keys, how="left", nulls_equal=True
        )
        truth = rows[VALUE].fill_null(0) if ind.aggregate != "count_subjects" else (
            rows[SUBJECTS].fill_null(0))  # fmt: skip
        shown = rows[ind.id]
        if ind.per:  # a ratio shows its count wherever the ratio is shown
            shown = pl.select(pl.when(shown.is_not_null()).then(truth)).to_series()
        cells = pl.DataFrame({keys[0]: rows[keys[0]], keys[1]: rows[keys[1]], ind.id: shown})
        parts.append(
            CellTable(
                resource=ind.resource,
                dimensions=(
                    (_identity(source.frame, ind.region, source.region, region), keys[0]),
                    (_identity(source.frame, ind.period, source.period, period), keys[1]),
                ),
                statistics=(Statistic(ind.id, ind.aggregate, ind.column),),
                cells=cells,
                min_group_size=spec.min_group_size,
                truth=pl.DataFrame({ind.id: truth}),
                basis=basis(job, ind.resource),
                width=float((spec.min_group_size - 1) // 2),
                subject=source.subject is not None,
                scope=_scope(ind.where),
                filters=indicator_filters(ind),
            )
        )
    return parts


def _identity(frame: pl.LazyFrame, column: str, key: pl.Expr, scale: str) -> str:
    """The column itself when the index's key leaves its values as they are, or the column
    at the index's scale (so only equal values meet)."""
    same = frame.select(
        key.cast(pl.String).eq_missing(pl.col(column).cast(pl.String)).all()
    ).collect()
    return column if same.item() else f"{column}@{scale}"


def indicator_filters(ind: Indicator) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """An indicator's `where` as (column, values kept) pairs."""
    return tuple((c, tuple(str(v) for v in values)) for c, values in (ind.where or {}).items())


def _scope(where: dict[str, Any] | None) -> str | None:
    if not where:
        return None
    return json.dumps({k: sorted(map(str, v)) for k, v in where.items()}, ensure_ascii=False)
