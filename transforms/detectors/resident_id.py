"""Mainland resident identity card numbers (GB 11643), 18-digit and legacy 15-digit."""

from __future__ import annotations

import calendar
import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # GB/T 2260 provinces; 71 Taiwan, 81/82/83 residence permits
_YEARS = (1900, 2099)
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")


def _check_char(body: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits: "10X98765432"[sum(d_i * w_i) % 11],
    w = 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 (2**(17-i) mod 11)."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _real_date(y: int, m: int, d: int) -> bool:
    """A calendar date (leap years included) with the year in 1900-2099."""
    return _YEARS[0] <= y <= _YEARS[1] and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _real_date_expr(yyyymmdd: pl.Expr) -> pl.Expr:
    """Vectorised `_real_date` of 8 digits: a date the calendar has (parsing checks month
    lengths and leap years), its year in range; false where it is no date."""
    year = yyyymmdd.str.to_date("%Y%m%d", strict=False).dt.year()
    return year.is_between(*_YEARS).fill_null(False)


class ResidentIdDetector(Detector):
    """18-digit IDs are certain when the MOD 11-2 check char and the birth date are right.

    Policy for the legacy 15-digit form (region + YYMMDD + sequence, no check digit): with a
    known province code and a real 19YY birth date `validate` returns None (cannot tell), so
    Presidio keeps the pattern score and the egress gate still reports it; otherwise False.

    >>> ResidentIdDetector().validate("110101199003077571")
    True
    >>> ResidentIdDetector().validate("110101199003077572")
    False
    """

    ENTITY = "CN_RESIDENT_ID"
    PATTERN = (
        r"(?<!\d)\d{6}[ -]?(?:1[89]|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
        r"[ -]?\d{3}[\dXx](?!\d)|(?<!\d)\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"
    )
    CONTEXT = ("身份证", "身份证号", "身份证号码", "公民身份号码", "证件号码", "居民身份证")
    CONTEXT += ("id card", "identity card", "resident id", "id number", "id no")
    SCORE = 0.5
    LENGTHS = frozenset((15, 18))

    def _check(self, candidate: str) -> bool | None:
        c = candidate
        if _ID18.fullmatch(c):
            birth = _real_date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
            return birth and c[17] == _check_char(c[:17])
        if _ID15.fullmatch(c) and int(c[:2]) in _PROVINCES:
            return None if _real_date(1900 + int(c[6:8]), int(c[8:10]), int(c[10:12])) else False
        return False

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `validate` (null = cannot tell). The check sum reads the 17 digits as one
        base-13 number N: 13 = 2 (mod 11), so sum(d_i * w_i) = 2 * N (mod 11), one parse
        instead of seventeen digits.

        >>> s = pl.Series(["110101199003077571", "110101900307757", "12", None])
        >>> pl.select(ResidentIdDetector().valid_expr(s)).to_series().to_list()
        [True, None, False, None]
        """
        c = candidate
        base13 = c.str.slice(0, 17).str.to_integer(base=13, dtype=pl.UInt64, strict=False)
        check = (base13 % 11 * 2 % 11).replace_strict(
            dict(enumerate(_CHECK_CHARS)), return_dtype=pl.String
        )
        date18 = _real_date_expr(c.str.slice(6, 8))
        date15 = _real_date_expr(pl.concat_str(pl.lit("19"), c.str.slice(6, 6)))
        legacy = c.str.slice(0, 2).cast(pl.Int64, strict=False).is_in(list(_PROVINCES)) & date15
        verdict = (
            pl.when(c.str.contains(r"^[0-9]{17}[0-9X]$"))
            .then((c.str.slice(17, 1) == check) & date18)
            .when(c.str.contains(r"^[0-9]{15}$") & legacy)
            .then(UNSURE)
            .otherwise(False)
        )
        return null_in_null_out(c, verdict)
