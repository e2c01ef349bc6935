"""Check digits as the attacker computes them, from the standards, apart from the detectors
under test: GB 11643 for resident ID numbers and Luhn for bank cards."""

from __future__ import annotations

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]


def id_digit(body: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of a 17-digit body.

    >>> id_digit("11010119900307757")
    '1'
    """
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def luhn(body: str) -> str:
    """The Luhn check digit that completes `body`.

    >>> luhn("622202123456789012")
    '8'
    """
    digits = [int(c) for c in reversed(body)]
    total = sum(_DOUBLED[d] for d in digits[::2]) + sum(digits[1::2])
    return str(-total % 10)
