"""Mainland residents' travel permits to Hong Kong and Macau (往来港澳通行证)."""

from __future__ import annotations

from transforms.detectors.shape import ShapeDetector


class HkMacauPermitDetector(ShapeDetector):
    """C + 8 digits (old book), or C + letter other than I/O + 7 digits (card).

    >>> HkMacauPermitDetector().validate("CA1234567") is None
    True
    >>> HkMacauPermitDetector().validate("CI1234567")
    False
    """

    ENTITY = "CN_HK_MACAU_PERMIT"
    SHAPE = r"C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}"
    PATTERN = rf"(?<![0-9A-Za-z])(?i:{SHAPE})(?![0-9A-Za-z])"
    SCAN_PATTERN = r"(?-u:\b)[Cc][0-9A-Za-z][0-9]{7}(?-u:\b)"
    CONTEXT = ("港澳通行证", "往来港澳通行证", "通行证", "通行证号", "港澳通行证号码")
    CONTEXT += ("exit-entry permit", "two-way permit", "hk macau permit")
    SCORE = 0.4
    LENGTHS = frozenset((9,))
