"""Look-alikes: codes written in an identifier's shape that fail its check. An 18-digit order
number is shaped like a resident ID and a 19-digit serial like a bank card, but a real
identifier column passes its check algorithm on nearly every value. So the check decides at
column level: when most values in the shape fail it, the column is not that identifier.

A few failures (typos, a masked value) never flip a column: it takes most of the values in
the shape (FAIL_SHARE), and the shape must cover most of the column. The other way round, a
column where far more values pass than chance would let through holds identifiers, however
many others fail (MIXED): the stricter side, so real identifiers cannot hide among fakes."""

from __future__ import annotations

import polars as pl

CHECKS: dict[str, tuple[str, str]] = {
    "CN_RESIDENT_ID": (r"^[0-9]{17}[0-9Xx]$", "GB 11643 MOD 11-2 check and birth date"),
    "CN_USCC": (r"^[0-9A-Z]{18}$", "GB 32100 check"),
    "CN_BANK_CARD": (r"^[0-9]{16,19}$", "Luhn check with a card issuer prefix"),
    "CN_MOBILE": (r"^(?:\+?86)?1[0-9]{10}$", "mobile prefix check (13-19)"),
}
"""Entity -> (the shape of a candidate as delivered; what the check verifies). The mobile
number has no checksum, but its prefix is one: 11 digits starting 10, 11 or 12 are no mobile."""

SHAPE_SHARE = 0.8
"""Share of non-null values that must be in the identifier's shape for the check to decide."""
FAIL_SHARE = 0.8
"""Share of the shaped values that must fail: a clear majority, so typos never flip a column.
Chance alone passes about one random value in ten (Luhn, MOD 11-2), so a real identifier
column fails on a few values and a look-alike on about nine in ten."""
MIXED = 0.3
"""Share of all values that, passing an identifier's check, make the column hold that
identifier: three times what chance passes, so a column of a few dozen distinct serials,
some passing by chance, stays clear of it."""


def lookalike_aggs(text: pl.Expr, valid: dict[str, pl.Expr]) -> dict[str, pl.Expr]:
    """Aggregations over one column: for each checked identifier, the share of values in
    its shape that fail its check ("lookalike:ENTITY"), null unless the shape covers
    SHAPE_SHARE of the values. The shape is read on the value as delivered (12345-20250101-
    000001 is a formatted code, not 19 loose digits); `valid` gives each entity's per-value
    verdict (the classifier's detector hits, computed once).

    >>> f = pl.DataFrame({"t": ["110101199003077572", "110101199003077571"], "ok": [False, True]})
    >>> aggs = lookalike_aggs(pl.col("t"), {e: pl.col("ok") for e in CHECKS})
    >>> f.select(**aggs)["lookalike:CN_RESIDENT_ID"].item()
    0.5
    """
    out = {}
    for entity, (shape, _) in CHECKS.items():
        shaped = text.str.strip_chars().str.contains(shape).fill_null(False)
        fails = (shaped & ~valid[entity]).sum() / shaped.sum()
        out[f"lookalike:{entity}"] = pl.when(shaped.mean() >= SHAPE_SHARE).then(fails)
    return out


def lookalikes(shares: dict[str, float]) -> dict[str, float]:
    """The identifiers a column only looks like: entity -> share of its shaped values that
    fail the check, for those where at least FAIL_SHARE fail.

    >>> lookalikes({"lookalike:CN_RESIDENT_ID": 0.92, "lookalike:CN_MOBILE": 0.6})
    {'CN_RESIDENT_ID': 0.92}
    """
    found = {k.removeprefix("lookalike:"): v for k, v in shares.items() if "lookalike:" in k}
    return {e: v for e, v in found.items() if v >= FAIL_SHARE}


def mixed(shares: dict[str, float]) -> tuple[str, float] | None:
    """The checked identifier that passes on at least MIXED of all values (the largest
    share; precedence breaks ties), or None.

    >>> mixed({"CN_RESIDENT_ID": 0.35, "CN_BANK_CARD": 0.05})
    ('CN_RESIDENT_ID', 0.35)
    >>> mixed({"CN_RESIDENT_ID": 0.2}) is None
    True
    """
    share, entity = max((shares.get(e, 0.0), e) for e in reversed(CHECKS))
    return (entity, share) if share >= MIXED else None


def describe(entity: str, fail: float) -> str:
    """The evidence line for one look-alike.

    >>> describe("CN_BANK_CARD", 1.0)
    'look-alike of CN_BANK_CARD: 100% of values in its shape fail the Luhn check with a card issuer prefix, so not one'
    """  # noqa: E501
    check = CHECKS[entity][1]
    return f"look-alike of {entity}: {fail:.0%} of values in its shape fail the {check}, so not one"
