"""generalize: coarsen a quasi-identifier along its natural hierarchy."""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms.errors import TransformError


def generalize(
    column: pl.Expr,
    *,
    source_type: str,
    to: str,
    width: float | None = None,
    bottom: float | None = None,
    top: float | None = None,
    reference_date: dt.date | None = None,
) -> pl.Expr:
    """Dates to month/quarter/year, district codes to city/province, numbers to bands, birth
    dates or ages to age bands.

    >>> df = pl.DataFrame({"d": ["330106", "33010", None]})
    >>> df.select(generalize(pl.col("d"), source_type="string", to="city"))["d"].to_list()
    ['330100', None, None]
    """
    if to in ("month", "quarter", "year"):
        return _date_part(column, to)
    if to in ("city", "province"):
        return _region(column, to)
    if to == "band":
        if width is None:
            raise TransformError("generalize to 'band' needs a width")
        whole = source_type == "integer"
        return band(column, width=width, bottom=bottom, top=top, integral=whole, whole=whole)
    if to == "age_band":
        age = column if source_type in ("integer", "float") else age_on(column, reference_date)
        whole = source_type != "float"
        return band(age, width=width or 10, bottom=bottom, top=top, integral=True, whole=whole)
    raise TransformError(f"unknown generalisation target '{to}'")


def _date_part(column: pl.Expr, to: str) -> pl.Expr:
    if to == "year":
        return column.dt.year()
    if to == "month":
        return column.dt.strftime("%Y-%m")
    return pl.concat_str([column.dt.year().cast(pl.String), pl.lit("-Q"), column.dt.quarter()])


def _region(column: pl.Expr, to: str) -> pl.Expr:
    """GB/T 2260 codes: 2 digits province, 2 city, 2 county; anything else cannot be placed."""
    code = column.cast(pl.String).str.strip_chars()
    keep = 4 if to == "city" else 2
    coarse = code.str.slice(0, keep) + pl.lit("0" * (6 - keep))
    return pl.when(code.str.contains(r"^\d{6}$")).then(coarse).otherwise(None)


def age_on(birth: pl.Expr, reference_date: dt.date | None) -> pl.Expr:
    """Completed years of age on `reference_date` (a fixed date keeps builds reproducible)."""
    if reference_date is None:
        raise TransformError("ages from birth dates need a reference_date")
    ref = reference_date
    before_birthday = (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day()) > (
        ref.month * 100 + ref.day
    )
    return pl.lit(ref.year) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)


def band(
    column: pl.Expr,
    *,
    width: float,
    bottom: float | None = None,
    top: float | None = None,
    integral: bool = True,
    whole: bool = False,
) -> pl.Expr:
    """Label each number with its band: '30-39' for integers, '[4000,5000)' otherwise;
    values at or above `top` become '80+', values below `bottom` become '<20'. With `whole`
    (the values are integers) and both ends given, the few labels are written once and each
    value looks its band up.

    >>> df = pl.DataFrame({"age": [7, 34, 85, None]})
    >>> df.select(band(pl.col("age"), width=10, bottom=10, top=80).alias("age"))["age"].to_list()
    ['<10', '30-39', '80+', None]
    >>> listed = band(pl.col("age"), width=10, bottom=10, top=80, whole=True)
    >>> df.select(listed.alias("age"))["age"].to_list()
    ['<10', '30-39', '80+', None]
    """
    if whole and integral and bottom is not None and top is not None:
        listed = _listed_band(column, width=width, bottom=bottom, top=top)
        if listed is not None:
            return listed
    low = (column / width).floor() * width
    high = low + width
    if integral and float(width).is_integer():
        label = pl.concat_str([_num(low), pl.lit("-"), _num(high - 1)])
    else:
        label = pl.concat_str([pl.lit("["), _num(low), pl.lit(","), _num(high), pl.lit(")")])
    if top is not None:
        label = pl.when(column >= top).then(pl.lit(f"{_fmt(top)}+")).otherwise(label)
    if bottom is not None:
        label = pl.when(column < bottom).then(pl.lit(f"<{_fmt(bottom)}")).otherwise(label)
    return label


def _listed_band(column: pl.Expr, *, width: float, bottom: float, top: float) -> pl.Expr | None:
    """`band` of integers between two ends: the labels listed from the band edges, and each
    value given the first whose upper edge it is below; None when that list would be long."""
    if not float(width).is_integer() or not bottom < top or (top - bottom) / width > 50:
        return None
    inner = range(int(bottom // width) + 1, int(-(-top // width)))
    edges = sorted({bottom, top, *(k * width for k in inner if bottom < k * width < top)})
    labels = [f"<{_fmt(bottom)}"]
    for start in edges[:-1]:
        low = (start // width) * width
        labels.append(f"{_fmt(low)}-{_fmt(low + width - 1)}")
    labels.append(f"{_fmt(top)}+")
    found = pl.when(column.is_null()).then(pl.lit(None, dtype=pl.String))
    for edge, label in zip(edges, labels, strict=False):
        found = found.when(column < edge).then(pl.lit(label))
    return found.otherwise(pl.lit(labels[-1]))


def _num(expr: pl.Expr) -> pl.Expr:
    """Whole numbers print without a trailing '.0'."""
    as_int = expr.cast(pl.Int64, strict=False).cast(pl.String)
    return pl.when(expr == expr.floor()).then(as_int).otherwise(expr.cast(pl.String))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
