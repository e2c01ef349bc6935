"""Region and period keys of an index cell, read from whatever form each resource holds them in.

Resources deliver regions as district codes (or codes already generalised to a city) and
periods as dates, timestamps, year numbers or 'YYYY-MM' strings; an index needs them on one
scale so that indicators from different departments meet in the same cell.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from transforms.errors import TransformError
from transforms.operators.generalize import generalize

RegionLevel = Literal["district", "city", "province"]
PeriodGrain = Literal["year", "month"]


def region_key(column: str, level: RegionLevel) -> pl.Expr:
    """A GB/T 2260 code at `level` (6 digits, trailing zeros below the level); codes that are
    not 6 digits give null.

    >>> df = pl.DataFrame({"d": ["330106", "3301", None]})
    >>> df.select(region_key("d", "city"))["d"].to_list()
    ['330100', None, None]
    """
    if level == "district":
        code = pl.col(column).cast(pl.String).str.strip_chars()
        return pl.when(code.str.contains(r"^\d{6}$")).then(code).otherwise(None).alias(column)
    return generalize(pl.col(column), source_type="string", to=level)


def period_key(column: str, dtype: pl.DataType, grain: PeriodGrain) -> pl.Expr:
    """A year (Int32) or a 'YYYY-MM' month from a date, datetime, integer year or string.

    >>> df = pl.DataFrame({"m": ["2025-03", "2025", None]})
    >>> df.select(period_key("m", pl.String(), "year"))["m"].to_list()
    [2025, 2025, None]
    """
    col = pl.col(column)
    if dtype.is_temporal():
        if grain == "year":
            return col.dt.year().cast(pl.Int32)
        return col.dt.strftime("%Y-%m")
    if dtype.is_integer():
        if grain == "month":
            raise TransformError(f"column '{column}' holds years; it cannot give months")
        return col.cast(pl.Int32)
    if dtype == pl.String:
        text = col.str.strip_chars()
        if grain == "year":
            year = text.str.extract(r"^(\d{4})(?:$|-)")
            return year.cast(pl.Int32, strict=False)
        return text.str.extract(r"^(\d{4}-\d{2})(?:$|-)")
    raise TransformError(f"column '{column}' ({dtype}) cannot give a {grain}")
