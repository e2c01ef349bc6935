"""keep: pass the column through unchanged."""

from __future__ import annotations

import polars as pl


def keep(column: pl.Expr, *, source_type: str) -> pl.Expr:
    """The column as it is.

    >>> df = pl.DataFrame({"a": [1, None]})
    >>> df.select(keep(pl.col("a"), source_type="integer"))["a"].to_list()
    [1, None]
    """
    return column
