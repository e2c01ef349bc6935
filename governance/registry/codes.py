"""Registration codes: `SLR-<dept4>-<resource id>-<check>`, issued once and never changed.

The code depends only on the owning department and the resource id, so every version of a
registration carries the same code, and two resources never share one (a resource id belongs to
one department). The check character (ISO 7064 MOD 37,36) catches a mistyped character when a
code is copied into a disclosure or an authorization by hand.
"""

from __future__ import annotations

import hashlib

PREFIX = "SLR"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MOD = len(ALPHABET)


def department_tag(department: str) -> str:
    """Four hex digits naming the owning department, stable across runs and machines."""
    return hashlib.sha256(department.strip().encode("utf-8")).hexdigest()[:4].upper()


def registration_code(department: str, resource_id: str) -> str:
    """The code of `resource_id` as registered by `department`.

    >>> registration_code("浙江省卫生健康委员会", "hospital_visits")
    'SLR-BEAF-hospital_visits-K'
    >>> is_valid_code(registration_code("浙江省卫生健康委员会", "hospital_visits"))
    True
    """
    body = f"{PREFIX}-{department_tag(department)}-{resource_id}"
    return f"{body}-{check_character(body)}"


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) over the letters and digits of `body`, case-insensitive."""
    product = _MOD
    for value in _values(body):
        product = _step(product, value)
    return ALPHABET[(_MOD + 1 - product) % _MOD]


def is_valid_code(code: str) -> bool:
    """Whether `code` has the registration code's shape and its check character agrees."""
    body, _, check = code.rpartition("-")
    if not body.startswith(f"{PREFIX}-") or len(check) != 1 or check not in ALPHABET:
        return False
    return check_character(body) == check


def _values(text: str) -> list[int]:
    return [ALPHABET.index(ch) for ch in text.upper() if ch in ALPHABET]


def _step(product: int, value: int) -> int:
    total = (product + value) % _MOD or _MOD
    return (total * 2) % (_MOD + 1)
