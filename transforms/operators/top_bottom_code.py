"""top_bottom_code: clamp extremes so an outlier no longer singles a person out."""

from __future__ import annotations

import polars as pl


def top_bottom_code(
    column: pl.Expr, *, source_type: str, top: float | None = None, bottom: float | None = None
) -> pl.Expr:
    """Values above `top` become `top`, values below `bottom` become `bottom`.

    >>> df = pl.DataFrame({"x": [1, 50, 99, None]})
    >>> coded = top_bottom_code(pl.col("x"), source_type="integer", top=90, bottom=10)
    >>> df.select(coded)["x"].to_list()
    [10, 50, 90, None]
    """
    if source_type == "integer":
        top = None if top is None else int(top)
        bottom = None if bottom is None else int(bottom)
    return column.clip(lower_bound=bottom, upper_bound=top)
