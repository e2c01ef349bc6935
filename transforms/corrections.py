"""Corrections under upheld objections (异议), applied to a resource as delivered: the rows whose
key column holds a key value take the corrected value in a column. One expression per corrected
column, inside the lazy plan; the delivered file itself is never changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import polars as pl


class Fix(NamedTuple):
    """Rows where `key_column` == `key_value` take `value` in `column`."""

    key_column: str
    key_value: str
    column: str
    value: str | None


def apply_corrections(frame: pl.LazyFrame, fixes: Sequence[Fix]) -> pl.LazyFrame:
    """`frame` with every fix applied, a later fix of the same cell winning.

    >>> raw = pl.LazyFrame({"id": ["a", "b", None], "status": ["open", "open", "shut"]})
    >>> fixed = apply_corrections(raw, [Fix("id", "b", "status", "shut")]).collect()
    >>> fixed["status"].to_list()
    ['open', 'shut', 'shut']
    """
    if not fixes:
        return frame
    schema = frame.collect_schema()  # a Parquet delivery keeps its own types
    by_column: dict[str, pl.Expr] = {}
    for fix in fixes:
        current = by_column.get(fix.column, pl.col(fix.column))
        hit = pl.col(fix.key_column).cast(pl.String) == pl.lit(fix.key_value, dtype=pl.String)
        value = pl.lit(fix.value, dtype=pl.String).cast(schema[fix.column])
        by_column[fix.column] = pl.when(hit.fill_null(False)).then(value).otherwise(current)
    return frame.with_columns(expr.alias(name) for name, expr in by_column.items())
