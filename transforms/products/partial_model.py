"""A data model's cells by partial aggregation: each partition of the rows is aggregated alone
(`partial_model`, where the partition is) and the partial aggregates are merged into the table
`build_model` makes from all the rows at once (`merge_model`).

Rows, sums and non-null counts add up across partitions; medians come from per-cell value
counts, which add up too. Distinct people do not: one person's rows may lie in several
partitions. So each partition gives its distinct (cell, subject hash) pairs, and people are
counted once the pairs of all partitions are put together. The hashes are the same 64-bit
hashes of the (already pseudonymised) subject that `build_model` counts, so a collision merges
two people in both alike.

Everything merged is exact, the sums of float columns too: each partition gives the integer
parts of its float sums (transforms.exact_sum), which add up to what one pass over all rows
finds, so a mean on a rounding tie is published as `build_model` publishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from transforms.exact_sum import merged_sum, sum_parts
from transforms.products.model import (
    ALL_ROWS,
    CELL_SUBJECTS,
    COUNT,
    Dim,
    Stat,
    assemble_model,
    median_of_counts,
    model_cells_frame,
    rounded,
    total_levels,
    value_counts,
)

ROWS = "__rows"


@dataclass(frozen=True)
class ModelPartial:
    """One partition's partial aggregates, per level of the table (cells, then totals): rows,
    sums and non-null counts per cell; distinct subject hashes per cell; value counts per
    cell of every median's column."""

    sums: list[pl.DataFrame]
    subjects: list[pl.DataFrame]
    values: list[dict[str, pl.DataFrame]]
    schema: pl.Schema


def partial_model(
    frame: pl.LazyFrame,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    subject: str | None = None,
    margins: Sequence[str] = (),
) -> ModelPartial:
    """The partial aggregates of one partition of the rows (collected: they are what leaves
    the partition).

    >>> part = pl.LazyFrame({"d": ["a", "a", "b"], "x": [1, 3, None]})
    >>> p = partial_model(part, dims=[Dim("d", "d")], stats=[Stat("m", "sum", "x")])
    >>> p.sums[0].sort("d").rows()
    [('a', 2, 4, 2), ('b', 1, 0, 0)]
    """
    cells = model_cells_frame(frame, dims=dims, stats=stats, subject=subject)
    added = list(dict.fromkeys(s.column for s in stats if s.agg in ("sum", "mean") and s.column))
    schema = cells.collect_schema()
    exact = [c for c in added if schema[c].is_float() or _mean_of(c, stats)]
    medians = list(dict.fromkeys(s.column for s in stats if s.agg == "median" and s.column))
    plans: list[pl.LazyFrame] = []
    for by in total_levels([d.output for d in dims], margins):
        keyed, keys = _keyed(cells, by)
        plans.append(
            keyed.group_by(keys).agg(
                pl.len().cast(pl.Int64).alias(ROWS),
                *(pl.col(c).sum().alias(_sum(c)) for c in added if not schema[c].is_float()),
                *(part for c in exact for part in sum_parts(c)),
                *(pl.col(c).count().alias(_count(c)) for c in added),
            )
        )
        plans.append(keyed.select(*keys, CELL_SUBJECTS).unique() if subject else keyed.head(0))
        plans.extend(value_counts(keyed, keys, c) for c in medians)
    done = pl.collect_all(plans)
    step = 2 + len(medians)
    levels = range(0, len(done), step)
    return ModelPartial(
        sums=[done[i] for i in levels],
        subjects=[done[i + 1] for i in levels],
        values=[dict(zip(medians, done[i + 2 : i + step], strict=True)) for i in levels],
        schema=schema,
    )


def merge_model(
    partials: Sequence[ModelPartial],
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    min_group_size: int,
    subject: str | None = None,
    margins: Sequence[str] = (),
) -> pl.LazyFrame:
    """The table `build_model` makes from all the partitions' rows, from their partials.

    >>> parts = [pl.LazyFrame({"d": ["a", "a"], "x": [1, 3]}),
    ...          pl.LazyFrame({"d": ["a", "b"], "x": [5, 9]})]
    >>> stats = [Stat("n", "count"), Stat("m", "median", "x")]
    >>> found = [partial_model(p, dims=[Dim("d", "d")], stats=stats) for p in parts]
    >>> merge_model(found, dims=[Dim("d", "d")], stats=stats, min_group_size=2).collect().rows()
    [('a', 3, 3.0, False), ('b', None, None, True)]
    """
    keys = [d.output for d in dims]
    levels = {tuple(by): n for n, by in enumerate(total_levels(keys, margins))}

    def aggregate(by: list[str]) -> pl.LazyFrame:
        n = levels[tuple(by)]
        grouped = by or [ALL_ROWS]
        table = _merged_sums(partials, n, grouped, stats)
        if subject:
            pairs = pl.concat([p.subjects[n] for p in partials]).lazy().unique()
            people = pairs.group_by(grouped).agg(pl.len().cast(pl.Int64).alias(CELL_SUBJECTS))
            table = table.join(people, on=grouped, how="left", nulls_equal=True)
        else:
            table = table.with_columns(pl.col(ROWS).cast(pl.Int64).alias(CELL_SUBJECTS))
        table = table.with_columns(
            _round(pl.col(CELL_SUBJECTS), s).alias(s.name)
            for s in stats
            if s.agg == "count_subjects"
        )
        for stat in stats:
            if stat.agg == "median" and stat.column:
                counts = pl.concat([p.values[n][stat.column] for p in partials]).lazy()
                summed = counts.group_by(*grouped, stat.column).agg(pl.col(COUNT).sum())
                median = rounded(median_of_counts(summed, grouped, stat.column), stat)
                median = median.rename({stat.column: stat.name})
                table = table.join(median, on=grouped, how="left", nulls_equal=True)
        return table.drop(ALL_ROWS, strict=False)

    return assemble_model(
        aggregate, partials[0].schema, dims=dims, stats=stats,
        min_group_size=min_group_size, margins=margins,
    )  # fmt: skip


def _merged_sums(
    partials: Sequence[ModelPartial], level: int, keys: list[str], stats: Sequence[Stat]
) -> pl.LazyFrame:
    """Rows, sums and means of every cell of one level, from the partitions' sums."""
    sums = pl.concat([p.sums[level] for p in partials]).lazy()
    exprs = []
    for stat in stats:
        column = stat.column or ""
        if stat.agg == "count":
            expr = pl.col(ROWS).sum().cast(pl.Int64)
        elif stat.agg == "sum":  # whole numbers as they are, floats from their exact parts
            plain = _sum(column) in partials[0].sums[level].columns
            expr = pl.col(_sum(column)).sum() if plain else merged_sum(column)
        elif stat.agg == "mean":
            counted = pl.col(_count(column)).sum()
            expr = pl.when(counted > 0).then(merged_sum(column) / counted)
        else:
            continue
        exprs.append(_round(expr, stat).alias(stat.name))
    return sums.group_by(keys).agg(pl.col(ROWS).sum(), *exprs)


def _round(expr: pl.Expr, stat: Stat) -> pl.Expr:
    return expr if stat.round is None else expr.round(stat.round)


def _keyed(cells: pl.LazyFrame, by: list[str]) -> tuple[pl.LazyFrame, list[str]]:
    """The rows and the keys to group them by (one group of all rows for the grand total)."""
    if by:
        return cells, by
    return cells.with_columns(pl.lit(0).alias(ALL_ROWS)), [ALL_ROWS]


def _mean_of(column: str, stats: Sequence[Stat]) -> bool:
    """Whether a mean reads the column: its sum is exact as a float, as build_model's."""
    return any(s.agg == "mean" and s.column == column for s in stats)


def _sum(column: str) -> str:
    return f"__sum_{column}"


def _count(column: str) -> str:
    return f"__count_{column}"
