"""Contribution bounding (贡献约束): one person counts in at most a set number of cells, at most a
set number of times in each, and values are clamped to declared bounds, so one person's
influence on any published number is known; differential privacy calibrates its noise to
exactly that influence.

Bounding within cells, not over the whole resource, is what keeps counts unbiased: a person with
a row in each of three years keeps one row per year, instead of losing a year to a bound of two
rows overall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from transforms.errors import TransformError

_RANK = "__contribution_rank"


def bound_contributions(
    frame: pl.LazyFrame,
    *,
    subject: str | None,
    max_rows: int | None,
    bounds: Mapping[str, tuple[float, float]],
    partition: Sequence[str] = (),
    max_partitions: int | None = None,
    seed: int = 0,
) -> pl.LazyFrame:
    """Keep at most `max_partitions` cells (values of `partition`) per subject, at most
    `max_rows` rows per subject in each cell (over the whole frame without `partition`), and
    clamp each bounded column.

    Which cells and rows a person keeps is chosen by a hash of the person and the cell, and of
    the row's own content: never by file order, which could correlate with the values, and never
    by anything another person's rows could shift, so adding or removing one person changes no
    one else's rows. The subject is the resource's keyed pseudonym, so the choice cannot be
    foretold without the domain's key. Without a subject every row is its own person, so only
    clamping applies.

    >>> lf = pl.LazyFrame({"p": [1, 1, 1, 1, 2], "y": [20, 20, 21, 22, None],
    ...                    "v": [5, 50, -3, 7, 7]})
    >>> out = bound_contributions(lf, subject="p", max_rows=1, bounds={"v": (0, 10)},
    ...                           partition=["y"], max_partitions=2).collect()
    >>> out.group_by("p").len().sort("p").rows()
    [(1, 2), (2, 1)]
    >>> out.group_by("p", "y").len().get_column("len").max()
    1
    """
    for name, value in (("max_rows_per_subject", max_rows), ("max_partitions", max_partitions)):
        if value is not None and value < 1:
            raise TransformError(f"{name} must be at least 1")
    for column, (low, high) in bounds.items():
        if low > high:
            raise TransformError(f"bounds of '{column}': {low} is above {high}")
    out = frame
    if subject is not None and max_partitions is not None and partition:
        out = _keep_cells(out, subject, list(partition), max_partitions, seed)
    if subject is not None and max_rows is not None:
        order = pl.struct(pl.all()).hash(seed)
        kept = order.rank("ordinal").over([subject, *partition]) <= max_rows
        out = out.filter(kept)
    return out.with_columns(pl.col(c).clip(low, high) for c, (low, high) in bounds.items())


def _keep_cells(
    frame: pl.LazyFrame, subject: str, partition: list[str], most: int, seed: int
) -> pl.LazyFrame:
    """The rows of each person's `most` cells whose hash of (person, cell) is smallest; ranked
    over distinct cells, so a person never keeps more cells than that, even on a hash tie."""
    keys = [subject, *partition]
    chosen = (
        frame.select(keys)
        .unique()
        .with_columns(pl.struct(keys).hash(seed).rank("ordinal").over(subject).alias(_RANK))
        .filter(pl.col(_RANK) <= most)
        .drop(_RANK)
    )
    return frame.join(chosen, on=keys, how="semi", nulls_equal=True)
