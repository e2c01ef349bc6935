"""Mainland landline numbers: 0 + area code, 7-8 digit subscriber number, optional extension."""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, digit_at, null_in_null_out
from transforms.detectors.normalize import compact_expr, compact_text, normalize_text

_SHAPE = re.compile(r"0[1-9][0-9]{8,10}")
_AREA = r"(?:[(（]0[0-9]{2,3}[)）]|0[0-9]{2,3})"  # (0571) or 0571
_WITH_EXT = re.compile(
    rf"(?P<main>{_AREA}[ -]?[0-9]{{3,4}}[ -]?[0-9]{{4}})"
    r"(?:(?: ?(?:转|分机|ext\.?) ?|[ -])[0-9]{1,6})?",
    re.IGNORECASE,
)
_PARENS = "()（）"
_NO_PARENS = str.maketrans("", "", _PARENS)


def _area_len(c: str) -> int:
    """010 and 02X are 3 digits long; every other area code (0[3-9]XX) is 4."""
    return 3 if c[1] in "12" else 4


class LandlineDetector(Detector):
    """No checksum, so a well-formed number is None; False when the area code cannot exist
    (00..., 01X other than 010) or the subscriber number has the wrong length or first digit.

    `validate` also accepts a parenthesised area code and a trailing extension (转123, -123,
    ext 123); `valid_expr` judges the compact number without either, which is what
    `scan_candidate` makes of a SCAN_PATTERN match (the extension is never part of it).

    >>> LandlineDetector().validate("010-23456789转123") is None
    True
    >>> LandlineDetector().validate("001-12345678")
    False
    """

    ENTITY = "CN_LANDLINE"
    PATTERN = (
        r"(?<![\d+])(?:[(（]0\d{2,3}[)）]|0\d{2,3})[ -]?[2-8]\d{2,3}[ -]?\d{4}"
        r"(?:(?: ?(?:转|分机|(?i:ext)\.?) ?|[ -])\d{1,6})?(?!\d)"
    )
    CONTEXT = ("电话", "固话", "座机", "联系电话", "办公电话", "传真")
    CONTEXT += ("tel", "phone", "telephone", "landline", "fax")
    SCORE = 0.3
    LENGTHS = frozenset((10, 11, 12))
    SCAN_PATTERN = (
        r"(?:[(（]0[0-9]{2,3}[)）]|(?-u:\b)0[0-9]{2,3})[ -]?[0-9]{3,4}[ -]?[0-9]{4}(?-u:\b)"
    )

    def validate(self, text: str) -> bool | None:
        m = _WITH_EXT.fullmatch(normalize_text(text).strip())
        if not m:
            return False
        return self._check(compact_text(m.group("main")).translate(_NO_PARENS))

    def scan_candidate(self, match: pl.Expr) -> pl.Expr:
        return compact_expr(match).str.replace_all(f"[{_PARENS}]", "")

    def _check(self, candidate: str) -> bool | None:
        c = candidate
        if not _SHAPE.fullmatch(c) or (c[1] == "1" and c[2] != "0"):
            return False
        sub = c[_area_len(c) :]
        return None if len(sub) in (7, 8) and sub[0] in "2345678" else False

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `_check` (shape, area code rule, subscriber length and first digit).

        >>> s = pl.Series(["01023456789", "07552345678", "0011234567", None])
        >>> pl.select(LandlineDetector().valid_expr(s)).to_series().to_list()
        [None, None, False, None]
        """
        c = candidate
        second = digit_at(c, 1)
        area = pl.when(second.is_in([1, 2])).then(3).otherwise(4)
        sub_len = c.str.len_chars() - area
        first = c.str.slice(area, 1).cast(pl.Int32, strict=False)
        ok = (
            c.str.contains(r"^0[1-9][0-9]{8,10}$")
            & ((second != 1) | (digit_at(c, 2) == 0))
            & sub_len.is_in([7, 8])
            & first.is_between(2, 8)
        )
        return null_in_null_out(c, pl.when(ok.fill_null(False)).then(UNSURE).otherwise(False))
