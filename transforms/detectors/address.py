"""Chinese street addresses: a known province or city, then optional district, town and
road levels, a door number (号), and optional building, unit and room.

Starting from a known province or city keeps the words before the address out of the span
(反映杭州市... gives 杭州市..., not 映杭州市...), which a bare "Han characters + 市" rule
cannot do without look-behinds.
"""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out
from transforms.detectors.places import CITIES, PROVINCES, alternation

_HAN = "一-鿿"
_PROVINCE = alternation(PROVINCES) + "(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)?"
_CITY = alternation(CITIES) + "(?:市|地区|盟|自治州)?"
_START = f"(?:{_PROVINCE}{_CITY}|{_CITY}|{_PROVINCE})"
_ROAD_END = "(?:大道|胡同|路|街|道|巷|弄|村)"


def _shape(digits: str) -> str:
    """The address body for a digit range (ASCII for compact text, full-width too for PATTERN)."""
    n = f"[{digits}]{{1,5}}"
    return (
        f"{_START}"
        f"(?:[{_HAN}]{{1,6}}?(?:区|县|市|旗))?"  # district or county
        f"(?:[{_HAN}]{{1,6}}?(?:街道|镇|乡))?"  # town
        f"[{_HAN}{digits}]{{1,10}}?{_ROAD_END}"  # road
        f"{n}(?:-{n})?号"  # door number
        f"(?:{n}(?:栋|幢|座|号楼))?(?:{n}单元)?(?:{n}(?:室|楼|层))?"
    )


_SHAPE = _shape("0-9")
_SHAPE_RE = re.compile(_SHAPE)


class AddressDetector(Detector):
    """Shape only: None when the text is laid out like an address, False otherwise.

    >>> AddressDetector().validate("杭州市富阳区六安路310号3幢2单元701室") is None
    True
    >>> AddressDetector().validate("杭州市富阳区")
    False
    """

    ENTITY = "ADDRESS"
    PATTERN = _shape("0-9０-９")
    SCAN_PATTERN = _SHAPE
    CONTEXT = ("地址", "住址", "家住", "住在", "居住", "位于", "现住", "户籍地", "住所")
    CONTEXT += ("address",)
    SCORE = 0.6
    LENGTHS = frozenset(range(6, 121))

    def _check(self, candidate: str) -> bool | None:
        return None if _SHAPE_RE.fullmatch(candidate) else False

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `_check` (a shape test; null = shaped like an address).

        >>> s = pl.Series(["宁波市鄞州区重庆路383号", "宁波市", None])
        >>> pl.select(AddressDetector().valid_expr(s)).to_series().to_list()
        [None, False, None]
        """
        shaped = candidate.str.contains(f"^(?:{_SHAPE})$")
        return null_in_null_out(candidate, pl.when(shaped).then(UNSURE).otherwise(False))
