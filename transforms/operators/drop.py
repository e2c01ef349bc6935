"""drop: the column does not survive de-identification."""

from __future__ import annotations

import polars as pl


def drop(column: pl.Expr, *, source_type: str) -> None:
    """Nothing: the caller leaves the column out of the de-identified frame."""
    return None
