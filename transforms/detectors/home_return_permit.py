"""Home-return permits of Hong Kong and Macau residents (回乡证 / 港澳居民来往内地通行证)."""

from __future__ import annotations

from transforms.detectors.shape import ShapeDetector


class HomeReturnPermitDetector(ShapeDetector):
    """H (Hong Kong) or M (Macau) + 8 digits, or + 10 digits in the older form.
    H + 8 digits is also a passport shape; the scanner then reports CN_PASSPORT (precedence).

    >>> HomeReturnPermitDetector().validate("M1234567890") is None
    True
    >>> HomeReturnPermitDetector().validate("H123456789")
    False
    """

    ENTITY = "CN_HOME_RETURN_PERMIT"
    SHAPE = r"[HM][0-9]{8}(?:[0-9]{2})?"
    PATTERN = rf"(?<![0-9A-Za-z])(?i:{SHAPE})(?![0-9A-Za-z])"
    SCAN_PATTERN = r"(?-u:\b)[HMhm][0-9]{8}(?:[0-9]{2})?(?-u:\b)"
    CONTEXT = ("回乡证", "港澳居民来往内地通行证", "来往内地通行证", "回乡卡")
    CONTEXT += ("home return permit", "home-return permit", "mainland travel permit")
    SCORE = 0.4
    LENGTHS = frozenset((9, 11))
