"""Value makers of the evaluation generator: identifiers that pass their checks, look-alikes
that fail them by chance as real order numbers and serials do, and the messy forms real
exports carry (spaces, +86, lower-case x, mixed date formats)."""

from __future__ import annotations

import datetime as dt
from random import Random

from classify_eval.lists import GIVEN, REGION_HEADS, SURNAMES

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check(body: str) -> str:
    """GB 11643 MOD 11-2 check character of a 17-digit body."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def luhn_digit(body: str) -> str:
    """The digit that makes body + digit pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def birth(rng: Random) -> dt.date:
    return dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65))


def resident_id(rng: Random, born: dt.date) -> str:
    """A valid ID; 4% with a typo in the last digit, 5% written in groups, x in lower case."""
    body = f"{rng.choice(REGION_HEADS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    value = body + id_check(body)
    roll = rng.random()
    if roll < 0.04:
        value = body + str((int(value[-1]) + 1) % 10 if value[-1] != "X" else 0)
    elif roll < 0.09:
        value = f"{value[:6]} {value[6:14]} {value[14:]}"
    return value.replace("X", "x") if rng.random() < 0.3 else value


def mobile(rng: Random) -> str:
    number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    roll = rng.random()
    if roll < 0.1:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    if roll < 0.2:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return number


def bank_card(rng: Random) -> str:
    body = "62" + "".join(rng.choice("0123456789") for _ in range(16))
    card = body + luhn_digit(body)
    return " ".join(card[i : i + 4] for i in range(0, 19, 4)) if rng.random() < 0.3 else card


def person(rng: Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def date_text(rng: Random, day: dt.date) -> str:
    form = rng.choice(("%Y-%m-%d", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"))
    return day.strftime(form)


def order_number(rng: Random) -> str:
    """Region + yyyymmdd + sequence + a digit: the resident ID's shape, checked by nothing."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
    return f"{rng.choice(REGION_HEADS)}{day:%Y%m%d}{rng.randrange(10000):04d}"


def serial19(rng: Random) -> str:
    """A 19-digit device serial that starts like a UnionPay card; no Luhn digit."""
    return "62" + "".join(rng.choice("0123456789") for _ in range(17))


def credit_code_like(rng: Random) -> str:
    """A supplier code in the credit code's shape and alphabet, without its check."""
    tail = "".join(rng.choice(_USCC_CHARS) for _ in range(10))
    return f"91{rng.choice(REGION_HEADS)}{tail}"


def phone_like(rng: Random) -> str:
    """11 digits starting 10, 11 or 12: a service line or terminal number, no mobile."""
    return f"1{rng.choice('012')}{rng.randrange(10**9):09d}"


def product_code(rng: Random, i: int) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(2))
    return f"{letters}{rng.randrange(2019, 2026)}{i:06d}{rng.choice('ABCDEFGH')}"


def barcode(rng: Random) -> str:
    """A 13-digit retail barcode with the Chinese 69 prefix."""
    return "69" + "".join(rng.choice("0123456789") for _ in range(11))
