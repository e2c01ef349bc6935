"""Exact values of a table's cells, totals included, recounted from the de-identified rows: what
the ledger keeps inside the domain so that later releases can be audited against this one."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transforms.exact_sum import exact_sum
from transforms.footprint import Statistic

_ROW = "__row"


def exact_values(
    table: pl.DataFrame,
    source: pl.LazyFrame,
    *,
    dims: Sequence[tuple[str, str]],
    statistics: Sequence[Statistic],
    subject: str | None,
    margin: str | None = None,
) -> pl.DataFrame:
    """One column per additive statistic (counts and sums), row for row with `table`; each
    total row is counted at its own level. People are distinct subjects (through a 64-bit
    hash, as everywhere else), or rows without a subject.

    >>> t = pl.DataFrame({"d": ["a", "b", None], "n": [None, 3, 4], "margin": [None, None, "d"]})
    >>> src = pl.LazyFrame({"d": ["a", "b", "b", "b"]})
    >>> exact_values(t, src, dims=[("d", "d")], statistics=[Statistic("n", "count")],
    ...              subject=None, margin="margin")["n"].to_list()
    [1, 3, 4]
    """
    aggs = [_aggregate(s, subject) for s in statistics]
    aggs = [a for a in aggs if a is not None]
    if not aggs:
        return pl.DataFrame()
    rows = table.with_row_index(_ROW)
    levels = rows[margin].unique().to_list() if margin else [None]
    parts = []
    for level in levels:
        totalled = set(level.split(",")) if level else set()
        kept = [(src, out) for src, out in dims if out not in totalled]
        at = rows.filter(pl.col(margin).eq_missing(level)) if margin else rows
        keys = [pl.col(src).alias(out) for src, out in kept] or [pl.lit(0).alias("__all")]
        counted = source.group_by(keys).agg(aggs).collect(engine="streaming")
        on = [out for _, out in kept]
        if on:
            joined = at.select(_ROW, *on).join(counted, on=on, how="left", nulls_equal=True)
        else:
            joined = at.select(_ROW).join(counted.drop("__all"), how="cross")
        parts.append(joined.select(_ROW, *(a.meta.output_name() for a in aggs)))
    names = [a.meta.output_name() for a in aggs]
    return (
        pl.concat(parts, how="vertical_relaxed")
        .sort(_ROW)
        .select(pl.col(n).fill_null(0) for n in names)
    )


def _aggregate(stat: Statistic, subject: str | None) -> pl.Expr | None:
    if stat.aggregate == "count_subjects":
        people = pl.col(subject).hash().n_unique() if subject else pl.len()
        return people.cast(pl.Int64).alias(stat.name)
    if stat.aggregate == "count":
        return pl.len().cast(pl.Int64).alias(stat.name)
    if stat.aggregate == "sum" and stat.column:
        return exact_sum(stat.column).alias(stat.name)  # as the tally sums it
    return None
