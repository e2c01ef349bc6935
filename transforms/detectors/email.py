"""E-mail addresses, ASCII only so that neighbouring Chinese characters are never swallowed."""

from __future__ import annotations

from transforms.detectors.shape import ShapeDetector

_LOCAL = r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"


class EmailDetector(ShapeDetector):
    """local@domain.tld with an ASCII local part and domain; shape only (None), no network.
    Candidates are compact (upper-cased, hyphens dropped), so SHAPE is written for that form.

    >>> EmailDetector().validate("zhang.san@example.com") is None
    True
    >>> EmailDetector().validate("zhang..san@example.com")
    False
    """

    ENTITY = "EMAIL"
    SHAPE = r"[A-Z0-9_%+]+(?:\.[A-Z0-9_%+]+)*@(?:[A-Z0-9]+\.)+[A-Z]{2,24}"
    PATTERN = rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}@{_DOMAIN}(?![A-Za-z0-9\-])"
    SCAN_PATTERN = rf"{_LOCAL}@{_DOMAIN}"
    CONTEXT = ("邮箱", "电子邮箱", "电子邮件", "邮件地址", "联系邮箱")
    CONTEXT += ("email", "e-mail", "mail")
    SCORE = 0.5
    LENGTHS = frozenset(range(6, 255))
