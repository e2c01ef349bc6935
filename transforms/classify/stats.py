"""Column statistics from a sample: the shape of the values, independent of any detector.
They decide free text (long, punctuated, varied) and the non-personal fallbacks (few
distinct codes), and back header hints up (a 'name' column that is 2-4 Han characters)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_SENTENCE = r"[，。；！？、：,;!?]|\S\s+\S"
_NUMERIC = r"^[+-]?[0-9]+(?:\.[0-9]+)?$"
_DATE = r"^[12][0-9]{3}([-/.年])[01]?[0-9]([-/.月])[0-3]?[0-9]日?"
_TIME = r"[ T][0-2]?[0-9]:[0-5][0-9]"
_HAN_NAME = r"^[\p{Han}·]{2,5}$"
FREE_MIN_LEN = 10


@dataclass(frozen=True)
class ColumnStats:
    """Shares are of non-null values; `rows` counts the sample."""

    rows: int
    null_share: float
    distinct: int
    distinct_ratio: float
    uniqueness: float
    mean_len: float
    max_len: int
    free_text_share: float
    numeric_share: float
    date_share: float
    datetime_share: float
    han_name_share: float

    def describe(self) -> str:
        """A one-line summary for the evidence list."""
        return (
            f"stats: null {self.null_share:.2f}, distinct {self.distinct} "
            f"({self.distinct_ratio:.2f}), mean len {self.mean_len:.1f}, "
            f"free text {self.free_text_share:.2f}, numeric {self.numeric_share:.2f}, "
            f"date {self.date_share:.2f}"
        )


def as_text(series: pl.Series) -> pl.Series:
    """The column as strings (nested or binary types that cannot be cast become null),
    so every later step sees one dtype."""
    if series.dtype == pl.String:
        return series
    try:
        return series.cast(pl.String, strict=False)
    except Exception:
        return pl.Series(series.name, [None] * len(series), dtype=pl.String)


def column_stats(series: pl.Series) -> ColumnStats:
    """Statistics of one sample column (any dtype).

    >>> s = column_stats(pl.Series(["张三", "李四", None]))
    >>> (s.null_share, s.distinct, s.han_name_share)
    (0.3333333333333333, 2, 1.0)
    """
    rows = len(series)
    text = as_text(series).drop_nulls()
    n = len(text)
    if n == 0:
        return ColumnStats(rows, 1.0 if rows else 0.0, 0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    frame = pl.DataFrame({"t": text})
    t = pl.col("t")
    length = t.str.len_chars()
    free = (length >= FREE_MIN_LEN) & t.str.contains(_SENTENCE)
    row = frame.select(
        distinct=t.n_unique(),
        once=(t.len().over(t) == 1).sum(),
        mean_len=length.mean(),
        max_len=length.max(),
        free=free.mean(),
        numeric=t.str.contains(_NUMERIC).mean(),
        date=t.str.contains(_DATE).mean(),
        datetime=(t.str.contains(_DATE) & t.str.contains(_TIME)).mean(),
        han=t.str.contains(_HAN_NAME).mean(),
    ).row(0, named=True)
    dtype = series.dtype
    numeric = 1.0 if dtype.is_numeric() else row["numeric"]
    date = 1.0 if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime) else row["date"]
    dt = 1.0 if isinstance(dtype, pl.Datetime) else row["datetime"]
    return ColumnStats(
        rows=rows,
        null_share=(rows - n) / rows,
        distinct=int(row["distinct"]),
        distinct_ratio=row["distinct"] / n,
        uniqueness=row["once"] / n,
        mean_len=float(row["mean_len"]),
        max_len=int(row["max_len"]),
        free_text_share=float(row["free"]),
        numeric_share=float(numeric),
        date_share=float(date),
        datetime_share=float(dt),
        han_name_share=float(row["han"]),
    )
