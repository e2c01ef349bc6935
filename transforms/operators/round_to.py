"""round: round numbers to a base (nearest 100 yuan, nearest 5 years), so exact values that
single a person out become shared ones."""

from __future__ import annotations

import polars as pl


def round_to(column: pl.Expr, *, source_type: str, base: float) -> pl.Expr:
    """The nearest multiple of `base` (halves away from zero); integers stay integers.

    >>> df = pl.DataFrame({"x": [1234, 1250, -1250, None]})
    >>> df.select(round_to(pl.col("x"), source_type="integer", base=100))["x"].to_list()
    [1200, 1300, -1300, None]
    """
    if base <= 0:
        raise ValueError("base must be greater than 0")
    scaled = column.cast(pl.Float64) / base
    rounded = (scaled.abs() + 0.5).floor() * scaled.sign() * base
    return rounded.cast(pl.Int64) if source_type == "integer" else rounded
