"""Payment card numbers (UnionPay, Visa, Mastercard, Amex, JCB), Luhn-checked."""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import Detector, digit_at, null_in_null_out

IIN_RANGES = (
    (62, 62),  # UnionPay
    (4, 4),  # Visa
    (51, 55),  # Mastercard
    (2221, 2720),  # Mastercard 2-series
    (34, 34),  # Amex (15 digits)
    (37, 37),  # Amex (15 digits)
    (35, 35),  # JCB
    (6013, 6013),  # Bank of China legacy debit (601382...)
    (9558, 9558),  # ICBC legacy debit (955880...)
)
"""Known issuer prefixes: Luhn alone passes one random digit string in ten."""
_AMEX = ((34, 34), (37, 37))
_DIGITS = re.compile(r"[0-9]{15,19}")


def _luhn_ok(digits: str) -> bool:
    """Luhn: from the right, double every second digit (minus 9 when over 9); valid when the
    sum is a multiple of 10."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _prefix_in(digits: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= int(digits[: len(str(lo))]) <= hi for lo, hi in ranges)


def _prefix_expr(c: pl.Expr, ranges: tuple[tuple[int, int], ...]) -> pl.Expr:
    return pl.any_horizontal([digit_at(c, 0, len(str(lo))).is_between(lo, hi) for lo, hi in ranges])


class BankCardDetector(Detector):
    """Certain when 16-19 digits (15 for Amex) have a known issuer prefix and pass Luhn.

    >>> BankCardDetector().validate("6222 0212 3456 7890 128")
    True
    >>> BankCardDetector().validate("1234567812345670")  # Luhn-valid, unknown prefix
    False
    """

    ENTITY = "CN_BANK_CARD"
    PATTERN = r"(?<!\d)(?:\d[ -]?){14,18}\d(?!\d)"
    CONTEXT = ("银行卡", "银行卡号", "卡号", "银行账号", "账号", "借记卡", "信用卡", "开户行")
    CONTEXT += ("bank card", "card number", "account number", "credit card", "debit card")
    SCORE = 0.3
    LENGTHS = frozenset(range(15, 20))

    def _check(self, candidate: str) -> bool | None:
        c = candidate
        if not _DIGITS.fullmatch(c):
            return False
        length_ok = len(c) >= 16 or _prefix_in(c, _AMEX)
        return length_ok and _prefix_in(c, IIN_RANGES) and _luhn_ok(c)

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `validate`: the number as UInt64 (19 digits fit), digits from the right
        by integer arithmetic, every second one doubled.

        >>> s = pl.Series(["6222021234567890128", "6222021234567890129", None])
        >>> pl.select(BankCardDetector().valid_expr(s)).to_series().to_list()
        [True, False, None]
        """
        c = candidate
        n = c.cast(pl.UInt64, strict=False)
        terms = []
        for i in range(19):
            d = (n // pl.lit(10**i, pl.UInt64) % 10).cast(pl.Int32)
            terms.append(2 * d - 9 * (d >= 5).cast(pl.Int32) if i % 2 else d)
        luhn = pl.sum_horizontal(terms) % 10 == 0
        length_ok = (c.str.len_chars() >= 16) | _prefix_expr(c, _AMEX)
        ok = c.str.contains(r"^[0-9]{15,19}$") & length_ok & _prefix_expr(c, IIN_RANGES) & luhn
        return null_in_null_out(c, ok.fill_null(False))
