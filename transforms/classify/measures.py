"""Numbers in a table about people, when no header or vocabulary says what they are. A bare
number cannot be told apart from a score or a code by its header alone, so these rules read
the numbers themselves, and choose the stricter reading where they cannot be sure:

- whole numbers from 0 to 120 with many distinct values are ages (a quasi-identifier);
- other amounts with many distinct values, in at most two decimals (yuan and fen), are read as
  money (a sensitive attribute): a person's income, fee or benefit is what such a column most
  often holds, and calling one non-personal is the worse error;
- whole numbers with a dozen or so distinct values are counts of the person's events (months
  paid, visits, children), read as a sensitive count.

Years, scales of fewer than ten points (1-5, 1-7) and fixed-width codes are left alone."""

from __future__ import annotations

import polars as pl

from transforms.classify.stats import ColumnStats, as_text

MANY = 20
"""Distinct values that make a measure rather than a count, a scale or a category."""
COUNTS = 10
"""Distinct whole numbers that make a count rather than a scale (1-5, 1-7, 1-9)."""
NUMERIC = 0.95
"""Share of the values that must read as numbers."""
OLDEST = 120
YEARS = (1900, 2100)


def _numbers(series: pl.Series) -> pl.Series | None:
    """The values as numbers, or None when too few of them are numbers."""
    text = as_text(series).drop_nulls().str.strip_chars().str.replace_all(",", "")
    numbers = text.cast(pl.Float64, strict=False)
    if not len(text) or numbers.null_count() > (1 - NUMERIC) * len(text):
        return None
    return numbers.drop_nulls()


def _fixed_width_code(series: pl.Series) -> bool:
    """Whole numbers all written with the same count of digits, 5 or more (codes, not
    amounts: postcodes, serials, numeric keys)."""
    text = as_text(series).drop_nulls().str.strip_chars()
    if not len(text) or not text.str.contains(r"^[0-9]+$").all():
        return False
    width = text.str.len_chars()
    return width.min() == width.max() and (width.min() or 0) >= 5


def read_measure(series: pl.Series, st: ColumnStats) -> tuple[str, str] | None:
    """(entity, evidence) for a column of numbers in a table about people, or None.

    >>> ages = pl.Series([str(a) for a in range(0, 90, 3)])
    >>> from transforms.classify.stats import column_stats
    >>> read_measure(ages, column_stats(ages))[0]
    'AGE'
    >>> fees = pl.Series([f"{100 + 7.31 * i:.2f}" for i in range(40)] + [None])
    >>> read_measure(fees, column_stats(fees))[0]
    'MONEY'
    >>> months = pl.Series([str(1 + i % 12) for i in range(40)])
    >>> read_measure(months, column_stats(months))[0]
    'COUNT'
    >>> scores = pl.Series(["1", "5", "3", "4", None])
    >>> read_measure(scores, column_stats(scores)) is None
    True
    """
    if st.distinct < COUNTS or st.date_share >= 0.5 or _fixed_width_code(series):
        return None
    numbers = _numbers(series)
    if numbers is None or not len(numbers):
        return None
    low, high = float(numbers.min()), float(numbers.max())  # type: ignore[arg-type]
    whole = bool((numbers == numbers.round(0)).all())
    if whole and YEARS[0] <= low and high <= YEARS[1]:
        return None
    if whole and low >= 0 and st.distinct < MANY:
        why = f"whole numbers {low:g}-{high:g}, {st.distinct} distinct, in a table about people"
        return "COUNT", f"{why}: read as counts of the person's events (the stricter reading)"
    if st.distinct < MANY:
        return None
    if whole and low >= 0 and high <= OLDEST:
        why = f"whole numbers {low:g}-{high:g}, {st.distinct} distinct, in a table about people"
        return "AGE", f"{why}: read as ages (the stricter reading)"
    cents = bool(((numbers * 100).round(0) - numbers * 100).abs().max() < 1e-6)  # type: ignore[operator]
    if low >= 0 and cents:
        why = f"amounts {low:g}-{high:g} in at most two decimals, {st.distinct} distinct"
        return "MONEY", f"{why}, in a table about people: read as money (the stricter reading)"
    return None
