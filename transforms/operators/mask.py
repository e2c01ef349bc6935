"""mask: hide all but a few characters at either end (138****5678)."""

from __future__ import annotations

import polars as pl


def mask(
    column: pl.Expr, *, source_type: str, keep_first: int = 0, keep_last: int = 0, char: str = "*"
) -> pl.Expr:
    """Replace the middle of each value with `char`; values too short to keep both ends are masked
    whole, so a short value is never shown in full.

    >>> df = pl.DataFrame({"p": ["13812345678", "12", None]})
    >>> df.select(mask(pl.col("p"), source_type="string", keep_first=3, keep_last=4))["p"].to_list()
    ['138****5678', '**', None]
    """
    text = column.cast(pl.String)
    length = text.str.len_chars()
    hidden = pl.lit("").str.pad_end(length - keep_first - keep_last, char)
    shown_last = text.str.slice(length - keep_last) if keep_last else pl.lit("")
    partial = pl.concat_str([text.str.slice(0, keep_first), hidden, shown_last])
    whole = pl.lit("").str.pad_end(length, char)
    return pl.when(length > keep_first + keep_last).then(partial).otherwise(whole)
