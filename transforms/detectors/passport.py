"""People's Republic of China passport numbers (ordinary, service and diplomatic)."""

from __future__ import annotations

from transforms.detectors.shape import ShapeDetector


class PassportDetector(ShapeDetector):
    """E/K/G/D/S/P/H + 8 digits, or (E[A-F] | DE | SE | PE | KJ | MA | 14 | 15) + 7 digits.
    No checksum: a well-formed number is None ("cannot tell").

    >>> PassportDetector().validate("e１２３４５６７８") is None
    True
    >>> PassportDetector().validate("EG1234567")
    False
    """

    ENTITY = "CN_PASSPORT"
    SHAPE = r"[EKGDSPH][0-9]{8}|(?:E[A-F]|DE|SE|PE|KJ|MA|14|15)[0-9]{7}"
    PATTERN = rf"(?<![0-9A-Za-z])(?i:{SHAPE})(?![0-9A-Za-z])"
    SCAN_PATTERN = r"(?-u:\b)[0-9A-Za-z]{9}(?-u:\b)"
    CONTEXT = ("护照", "护照号", "护照号码", "因私护照", "公务护照", "外交护照")
    CONTEXT += ("passport", "passport no", "passport number")
    SCORE = 0.4
    LENGTHS = frozenset((9,))
