"""Mainland travel permits for Taiwan residents (台胞证 / 台湾居民来往大陆通行证).

The number is just 8 digits, so it is only ever a finding next to a context word: the scan
pattern requires 台胞证 or 台湾居民来往大陆通行证 at most 10 characters before the digits.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.shape import ShapeDetector

_CUE = "台胞证|台湾居民来往大陆通行证|台湾通行证"


class TaiwanPermitDetector(ShapeDetector):
    """8 digits; shape only (None). The Presidio PATTERN alone would flag any 8-digit number,
    so its SCORE is low and CONTEXT must lift it.

    >>> TaiwanPermitDetector().validate("１２３４５６７８") is None
    True
    >>> TaiwanPermitDetector().validate("123456789")
    False
    """

    ENTITY = "CN_TAIWAN_PERMIT"
    SHAPE = r"[0-9]{8}"
    PATTERN = r"(?<!\d)\d{8}(?!\d)"
    SCAN_PATTERN = rf"(?:{_CUE})[^0-9]{{0,10}}[0-9]+"
    CONTEXT = ("台胞证", "台湾居民来往大陆通行证", "台湾通行证", "台胞证号")
    CONTEXT += ("taiwan compatriot permit", "mtp")
    SCORE = 0.1
    LENGTHS = frozenset((8,))

    def scan_candidate(self, match: pl.Expr) -> pl.Expr:
        """The digit run after the context word (the whole run, so 9+ digits fail)."""
        return match.str.extract(r"([0-9]+)$")
