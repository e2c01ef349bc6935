"""Sums of float columns that do not depend on the order the rows are added in.

A float sum rounds at every addition, so the same rows added in another order (another thread
count, another polars version, the rows split over partitions) can end a few units in the last
place apart, and a published mean that falls on a rounding tie then differs from one build to
the next. Each value is split into its integer part and its fraction in units of 2^-62, both
held as integers: their 128-bit sums are exact, whatever the order, and partial sums of
partitions add up to the sum of the whole. Values too large for the split (|x| >= 2^62), NaN
and infinities are added as floats, so they still make the sum as large, NaN or infinite as
a float sum would.

>>> import polars as pl
>>> frame = pl.DataFrame({"x": [0.1, 0.2, 0.3, None]})
>>> frame.select(exact_sum("x")).item(), frame.select(pl.col("x").sum()).item()
(0.6, 0.6000000000000001)
"""

from __future__ import annotations

import polars as pl

_SCALE = 2**62
_LIMIT = float(_SCALE)
_PARTS = ("__whole:", "__fraction:", "__rest:")


def _split(column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    x = pl.col(column).cast(pl.Float64)
    fits = x.abs() < _LIMIT  # false for NaN and infinities
    whole = pl.when(x >= 0).then(x.floor()).otherwise(x.ceil())  # x - whole is exact
    return (
        pl.when(fits).then(whole).otherwise(0.0).cast(pl.Int128),
        pl.when(fits).then(((x - whole) * _LIMIT).round()).otherwise(0.0).cast(pl.Int128),
        pl.when(fits).then(0.0).otherwise(x),
    )


def sum_parts(column: str) -> list[pl.Expr]:
    """The three partial sums of `column` in a group (as aggregations), named so that
    `merged_sum` adds partials of several partitions up."""
    return [e.sum().alias(p + column) for p, e in zip(_PARTS, _split(column), strict=True)]


def merged_sum(column: str) -> pl.Expr:
    """The sum of a group of partial sums made by `sum_parts` (as an aggregation)."""
    whole, fraction, rest = (pl.col(p + column).sum() for p in _PARTS)
    return _total(whole, fraction, rest)


def exact_sum(column: str) -> pl.Expr:
    """The sum of `column` (as a Float64 aggregation), the same for the same values in any
    order; nulls add nothing, as in `Expr.sum`."""
    whole, fraction, rest = (e.sum() for e in _split(column))
    return _total(whole, fraction, rest)


def exact_mean(column: str) -> pl.Expr:
    """The mean of the non-null values of `column`, from `exact_sum`; null where none."""
    counted = pl.col(column).count()
    return pl.when(counted > 0).then(exact_sum(column) / counted)


def _total(whole: pl.Expr, fraction: pl.Expr, rest: pl.Expr) -> pl.Expr:
    carry = fraction // _SCALE  # whole units in the fractions, the remainder in [0, 2^62)
    remainder = (fraction - carry * _SCALE).cast(pl.Float64) / _LIMIT
    return (whole + carry).cast(pl.Float64) + remainder + rest
