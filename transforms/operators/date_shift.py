"""date_shift: move every date of a person by the same keyed offset, so intervals between one
person's events (admission to discharge, hiring to leaving) survive while the calendar dates
that link a record to outside knowledge do not."""

from __future__ import annotations

import polars as pl

from transforms.operators.keyed_uniform import keyed_uniform


def date_shift(
    column: pl.Expr, *, source_type: str, by: str, key: bytes, max_days: int, purpose: str = ""
) -> pl.Expr:
    """Shift by a whole number of days in [-max_days, max_days], drawn per person (`by`) with
    the key; never 0, so no date passes through unchanged.

    >>> import datetime as dt
    >>> df = pl.DataFrame({"who": ["a", "a"], "d": [dt.date(2025, 1, 1), dt.date(2025, 1, 11)]})
    >>> out = df.select(date_shift(pl.col("d"), source_type="date", by="who",
    ...                            key=b"k" * 32, max_days=30))["d"]
    >>> (out[1] - out[0]).days, out[0] != dt.date(2025, 1, 1)
    (10, True)
    """
    if max_days < 1:
        raise ValueError("max_days must be at least 1")
    draw = keyed_uniform(pl.col(by), key=key, purpose=f"date_shift|{purpose}")
    magnitude = (draw * 2 * max_days).floor().cast(pl.Int64)  # 0 .. 2*max_days-1
    days = (
        pl.when(magnitude < max_days).then(magnitude - max_days).otherwise(magnitude - max_days + 1)
    )
    return column + pl.duration(days=days)
