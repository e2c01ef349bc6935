"""Mainland vehicle registration plates (ordinary and new-energy), e.g. 京A12345, 粤BD12345."""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out
from transforms.detectors.normalize import compact_expr

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_L = "A-HJ-NP-Z"  # letters without I and O
_DOTS = "·・•."  # written between the region letter and the serial: 京A·12345
_SUFFIX = "挂学警港澳"
_SERIAL = rf"[{_L}0-9]{{5}}|[DF][{_L}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_L}0-9]{{4}}[{_SUFFIX}]"
_SHAPE = rf"[{PROVINCES}][{_L}](?:{_SERIAL})[{_SUFFIX}]?"
_SHAPE_RE = re.compile(_SHAPE)
_DOT_RE = re.compile(f"[{_DOTS}]")


class PlateDetector(Detector):
    """Province char + letter (not I/O) + 5 letters/digits (no I/O), or new-energy
    (GA 36-2018): D/F + letter or digit + 4 digits (small: 浙AD12345, 浙AFK1738) or
    5 digits + D/F (large). Optional suffix 挂学警港澳, which may also stand in place of
    the last serial char (京A1234挂, 粤B1234学). Shape only, so None when it fits.

    >>> PlateDetector().validate("粤B·D12345") is None
    True
    >>> PlateDetector().validate("京I12345")
    False
    """

    ENTITY = "CN_PLATE"
    PATTERN = (
        rf"(?<![{PROVINCES}])[{PROVINCES}](?i:[{_L}][ {_DOTS}]?"
        rf"(?:[DF][{_L}0-9]\d{{4}}|\d{{5}}[DF]|[{_L}0-9]{{4,5}}))(?![0-9A-Za-z])[{_SUFFIX}]?"
    )
    SCAN_PATTERN = rf"[{PROVINCES}][A-Za-z][ {_DOTS}]?[0-9A-Za-z]{{4,6}}(?-u:\b)[{_SUFFIX}]?"
    CONTEXT = ("车牌", "车牌号", "车牌号码", "号牌", "机动车", "车辆")
    CONTEXT += ("plate", "license plate", "licence plate", "vehicle")
    SCORE = 0.5
    LENGTHS = frozenset((7, 8, 9))

    def _check(self, candidate: str) -> bool | None:
        return None if _SHAPE_RE.fullmatch(_DOT_RE.sub("", candidate)) else False

    def scan_candidate(self, match: pl.Expr) -> pl.Expr:
        return compact_expr(match).str.replace_all(f"[{_DOTS}]", "")

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `_check` (a shape test; null = well-formed, cannot tell).

        >>> s = pl.Series(["京A12345", "沪AD12345", "京A1234", None])
        >>> pl.select(PlateDetector().valid_expr(s)).to_series().to_list()
        [None, None, False, None]
        """
        c = candidate.str.replace_all(f"[{_DOTS}]", "")
        shaped = c.str.contains(f"^{_SHAPE}$")
        return null_in_null_out(candidate, pl.when(shaped).then(UNSURE).otherwise(False))
