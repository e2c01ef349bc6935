"""Mainland mobile numbers: 1[3-9] + 9 digits, optionally after +86, 0086 or 86."""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out

_SHAPE = r"(?:\+?86|0086)?1[3-9][0-9]{9}"
_SHAPE_RE = re.compile(_SHAPE)


class MobileDetector(Detector):
    """No checksum exists, so a well-formed number is "cannot tell" (None), never certain.

    >>> MobileDetector().validate("+86 138-1234-5678") is None
    True
    >>> MobileDetector().validate("12812345678")
    False
    """

    ENTITY = "CN_MOBILE"
    PATTERN = r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"
    CONTEXT = ("手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "移动电话", "联系人")
    CONTEXT += ("mobile", "phone", "tel", "cell", "contact")
    SCORE = 0.4
    LENGTHS = frozenset((11, 13, 14, 15))

    def _check(self, candidate: str) -> bool | None:
        return None if _SHAPE_RE.fullmatch(candidate) else False

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `validate` (a shape test; null = well-formed, cannot tell).

        >>> s = pl.Series(["8613812345678", "1381234567", None])
        >>> pl.select(MobileDetector().valid_expr(s)).to_series().to_list()
        [None, False, None]
        """
        shaped = candidate.str.contains(f"^{_SHAPE}$")
        return null_in_null_out(candidate, pl.when(shaped).then(UNSURE).otherwise(False))
