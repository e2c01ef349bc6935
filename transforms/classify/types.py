"""The policy type a column's values parse as, so a draft policy builds without quarantining
the rows it was drafted from. Identifiers and codes stay strings: a leading zero is data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from transforms.classify.stats import as_text

TEXT_ENTITIES = frozenset(
    {"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "CN_BANK_CARD", "CN_USCC", "CN_PASSPORT"}
    | {"CN_HK_MACAU_PERMIT", "CN_HOME_RETURN_PERMIT", "CN_TAIWAN_PERMIT", "CN_PLATE"}
    | {"CN_DISTRICT_CODE", "CN_POSTCODE", "RECORD_ID", "IP_ADDRESS", "EMAIL"}
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M")
TYPED_SHARE = 0.99
"""A type is proposed when this share parses: the rest are defects for quarantine to catch."""
_NATIVE = {pl.Date: ("date", None), pl.Boolean: ("boolean", None)}


@dataclass(frozen=True)
class TypeGuess:
    """A policy column type, its strptime format for dates, and a note when some sample
    values did not fit (a few: defects to quarantine; many: mixed types, kept as strings)."""

    type: str
    format: str | None = None
    mixed: str | None = None


def infer_type(series: pl.Series, entity: str | None = None) -> TypeGuess:
    """The narrowest policy type every non-null sample value parses as.

    >>> infer_type(pl.Series(["2024-01-31", "2023-12-01"]))
    TypeGuess(type='date', format='%Y-%m-%d', mixed=None)
    >>> infer_type(pl.Series(["12", "7", None]))
    TypeGuess(type='integer', format=None, mixed=None)
    >>> infer_type(pl.Series(["0571", "0572"]), "CN_DISTRICT_CODE").type
    'string'
    >>> infer_type(pl.Series(["12", "n/a", "7", "8"])).mixed
    'mixed types: 75% integer, 1 other value(s) (kept as string)'
    """
    dtype = series.dtype
    if dtype in _NATIVE:
        return TypeGuess(*_NATIVE[dtype])
    if isinstance(dtype, pl.Datetime):
        return TypeGuess("datetime")
    if dtype.is_integer() and entity not in TEXT_ENTITIES:
        return TypeGuess("integer")
    if dtype.is_float():
        return TypeGuess("float")
    text = as_text(series).str.strip_chars().drop_nulls()
    text = text.filter(text != "")
    if entity in TEXT_ENTITIES or text.is_empty():
        return TypeGuess("string")
    best: tuple[float, str, str | None] = (0.0, "string", None)
    for kind, fmt, parsed in _candidates(text):
        share = float(parsed.is_not_null().mean())  # type: ignore[arg-type]
        if share == 1.0:
            return TypeGuess(kind, fmt)
        best = max(best, (share, kind, fmt), key=lambda b: b[0])
    share, kind, fmt = best
    bad = round((1 - share) * len(text))
    if share >= TYPED_SHARE:
        note = f"{bad} sample value(s) are not {kind}: such rows will go to quarantine"
        return TypeGuess(kind, fmt, note)
    if share >= 0.5:
        return TypeGuess(
            "string",
            None,
            f"mixed types: {share:.0%} {kind}, {bad} other value(s) (kept as string)",
        )
    return TypeGuess("string")


def _candidates(text: pl.Series) -> Iterator[tuple[str, str | None, pl.Series]]:
    yield "integer", None, text.cast(pl.Int64, strict=False)
    yield "float", None, text.cast(pl.Float64, strict=False)
    for fmt in DATE_FORMATS:
        yield "date", fmt, text.str.strptime(pl.Date, fmt, strict=False, exact=True)
    for fmt in DATETIME_FORMATS:
        yield "datetime", fmt, text.str.strptime(pl.Datetime, fmt, strict=False, exact=True)
