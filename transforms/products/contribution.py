"""Contribution bounding (贡献约束): one person counts at most a set number of times, and values
are clamped to declared bounds, so one person's influence on any published number is known;
differential privacy calibrates its noise to exactly that influence."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from transforms.errors import TransformError

_ORDER = "__contribution_order"


def bound_contributions(
    frame: pl.LazyFrame,
    *,
    subject: str | None,
    max_rows: int | None,
    bounds: Mapping[str, tuple[float, float]],
    seed: int = 0,
) -> pl.LazyFrame:
    """Keep at most `max_rows` rows per subject and clamp each bounded column.

    Which rows a person keeps is chosen by a hash of the subject and the row's position (not
    by order in the file, which could correlate with the values); without a subject every row
    is its own person, so only clamping applies.

    >>> lf = pl.LazyFrame({"p": [1, 1, 1, 2], "v": [5, 50, -3, 7]})
    >>> out = bound_contributions(lf, subject="p", max_rows=2, bounds={"v": (0, 10)}).collect()
    >>> out.group_by("p").len().sort("p").rows(), sorted(out["v"].to_list())
    ([(1, 2), (2, 1)], [0, 7, 10])
    """
    if max_rows is not None and max_rows < 1:
        raise TransformError("max_rows_per_subject must be at least 1")
    for column, (low, high) in bounds.items():
        if low > high:
            raise TransformError(f"bounds of '{column}': {low} is above {high}")
    out = frame
    if max_rows is not None and subject is not None:
        order = pl.struct(pl.col(subject), pl.int_range(pl.len())).hash(seed)
        out = (
            out.with_columns(order.alias(_ORDER))
            .filter(pl.col(_ORDER).rank("ordinal").over(subject) <= max_rows)
            .drop(_ORDER)
        )
    return out.with_columns(pl.col(c).clip(low, high) for c, (low, high) in bounds.items())
