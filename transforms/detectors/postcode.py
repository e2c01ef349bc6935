"""Mainland postcodes (邮政编码): 6 digits, the first two 01-86 by region.

A bare 6-digit number is rarely a postcode, so the scan pattern requires a context word
(邮编, 邮政编码, postcode, zip) at most 6 characters before the digits.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.shape import ShapeDetector


class PostcodeDetector(ShapeDetector):
    """Shape only (None); refuses region prefixes 00 and 87-99.

    >>> PostcodeDetector().validate("100080") is None
    True
    >>> PostcodeDetector().validate("990080")
    False
    """

    ENTITY = "CN_POSTCODE"
    SHAPE = r"(?:0[1-9]|[1-7][0-9]|8[0-6])[0-9]{4}"
    PATTERN = rf"(?<!\d){SHAPE}(?!\d)"
    SCAN_PATTERN = r"(?:邮编|邮政编码|(?i:postcode|post code|zip ?code|zip))[^0-9]{0,6}[0-9]+"
    CONTEXT = ("邮编", "邮政编码", "邮码")
    CONTEXT += ("postcode", "postal code", "zip", "zip code")
    SCORE = 0.1
    LENGTHS = frozenset((6,))

    def scan_candidate(self, match: pl.Expr) -> pl.Expr:
        """The digit run after the context word (the whole run, so 7+ digits fail)."""
        return match.str.extract(r"([0-9]+)$")
