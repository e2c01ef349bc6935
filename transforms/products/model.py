"""Data model product (数据模型): an aggregated table whose every published cell covers at least
`min_group_size` people. Smaller cells keep their row, with null measures and `suppressed` set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from transforms.deidentify import SUBJECT
from transforms.errors import TransformError

SUPPRESSED = "suppressed"
CELL_SUBJECTS = "__cell_subjects"


@dataclass(frozen=True)
class Dim:
    """A group-by column and the name it is published under."""

    column: str
    output: str


@dataclass(frozen=True)
class Stat:
    """A published statistic: count, count_subjects, sum, mean or median of a column."""

    name: str
    agg: str
    column: str | None = None
    round: int | None = None


def subjects_per_cell(frame: pl.LazyFrame, dims: Sequence[Dim]) -> pl.LazyFrame:
    """Distinct people behind each cell (rows when the frame has no subject column)."""
    has_subject = SUBJECT in frame.collect_schema().names()
    count = pl.col(SUBJECT).n_unique() if has_subject else pl.len()
    return frame.group_by([pl.col(d.column).alias(d.output) for d in dims]).agg(
        count.cast(pl.Int64).alias(CELL_SUBJECTS)
    )


def build_model(
    frame: pl.LazyFrame, *, dims: Sequence[Dim], stats: Sequence[Stat], min_group_size: int
) -> pl.LazyFrame:
    """Group, aggregate, and suppress every cell below `min_group_size` subjects.

    >>> lf = pl.LazyFrame({"d": ["a"] * 3 + ["b"], "x": [1.0, 2.0, 3.0, 9.0]})
    >>> out = build_model(lf, dims=[Dim("d", "d")], stats=[Stat("n", "count"),
    ...     Stat("m", "mean", "x")], min_group_size=2).collect()
    >>> out.rows()
    [('a', 3, 2.0, False), ('b', None, None, True)]
    """
    if min_group_size < 2:
        raise TransformError("min_group_size must be at least 2")
    names = frame.collect_schema().names()
    has_subject = SUBJECT in names
    aggs = [_agg(s, has_subject) for s in stats]
    cells = subjects_per_cell(frame, dims)
    grouped = frame.group_by([pl.col(d.column).alias(d.output) for d in dims]).agg(aggs)
    keys = [d.output for d in dims]
    small = pl.col(CELL_SUBJECTS) < min_group_size
    return (
        grouped.join(cells, on=keys, how="left", nulls_equal=True)
        .with_columns(
            *(pl.when(small).then(None).otherwise(pl.col(s.name)).alias(s.name) for s in stats),
            small.alias(SUPPRESSED),
        )
        .drop(CELL_SUBJECTS)
        .sort(keys, nulls_last=True)
    )


def _agg(stat: Stat, has_subject: bool) -> pl.Expr:
    if stat.agg == "count":
        expr = pl.len().cast(pl.Int64)
    elif stat.agg == "count_subjects":
        expr = (pl.col(SUBJECT).n_unique() if has_subject else pl.len()).cast(pl.Int64)
    elif stat.agg in ("sum", "mean", "median"):
        expr = getattr(pl.col(stat.column), stat.agg)()
    else:
        raise TransformError(f"unknown aggregation '{stat.agg}'")
    if stat.round is not None:
        expr = expr.round(stat.round)
    return expr.alias(stat.name)
