"""What a batch of claims tries, told before any answer: each claim as one 64-bit key, whether
it names a minimum outside the declared set, and the values it names, each as a key of the
identifier and field it is about and a key of that and the value.

Enumeration control counts these across batches, so nothing here is raw. The identifier and
every value are first keyed (HMAC under the product's key; the identifier's pseudonym is the
one the index holds), and only their first 64 bits are mixed into the keys: by multiplying with
odd constants and XOR, a bijection in each part, so two different claims share a key by chance
about once in 2 ** 64 pairs (never, among millions) and the keys store, join and count as
integers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce

import polars as pl

from transforms.verification.answer import CLAIM, IDENTIFIER, ROW, KeyedClaims, claimed_key
from transforms.verification.index import ID, ClaimRule, keyed

KEY = "key"
UNLISTED = "unlisted"
FIELD = "field"
SLOT = "slot"
PAIR = "pair"
BITS = 16
"""Hex characters of a pseudonym kept: 64 bits."""
_SUBJECT = "__subject"
_KEY = "__key_"
_FORM = "__form_"


@dataclass(frozen=True)
class Tried:
    """A batch as enumeration control sees it.

    `claims`: one row per claim, in order: row, claim (type), key (the same for the same claim,
    however written), unlisted (the at_least field whose minimum is not a declared one, else
    null). `values`: for each field a claim of
    a known type names (a minimum only when it is a number): row, field, slot (its identifier
    and field), pair (slot and value). `thresholds`: the fields that name minimums."""

    claims: pl.DataFrame
    values: pl.DataFrame
    thresholds: frozenset[str]


def tried_claims(
    claims: pl.DataFrame,
    *,
    rules: Sequence[ClaimRule],
    thresholds: Mapping[str, Mapping[str, Sequence[float]]],
    key: bytes,
    batch: KeyedClaims | None = None,
) -> Tried:
    """Key what `claims` tries; `thresholds` holds each claim type's declared minimums by
    field. A claim's key is the same whenever the same claim is sent again, however it is
    written (spaces in a number, 6 or 6.0), so repeats count once. With `batch` (the same
    claims keyed for answering) the identifiers and matched values are read from it, not
    keyed again.

    >>> rule = ClaimRule("m", where={"y": "year"}, at_least={"n": "months"})
    >>> batch = pl.DataFrame({"claim": ["m", "m", "m"], "identifier": ["1", "1 ", "1"],
    ...                       "year": ["2024", "2024", "2024"], "months": ["6", "6.0", "7"]})
    >>> t = tried_claims(batch, rules=[rule], thresholds={"m": {"months": [6.0]}}, key=b"k" * 32)
    >>> t.claims["unlisted"].to_list(), t.claims["key"].n_unique()
    ([None, None, 'months'], 2)
    >>> t.values.unique("pair").sort("field")["field"].to_list()
    ['months', 'months', 'year']
    """
    numeric = {f for r in rules for f in r.at_least.values()}
    fields = [f for f in dict.fromkeys(f for r in rules for f in r.fields()) if f in claims.columns]
    known = batch.frame if batch is not None else None
    matched = {f for r in rules for f in r.match.values()}
    reused = [f for f in fields if known is not None and f in matched]
    plan = claims.lazy().select(
        pl.col(CLAIM).cast(pl.String),
        _unlisted(rules, thresholds, claims.columns).alias(UNLISTED),
        *(_form(f, numeric=f in numeric).alias(_FORM + f) for f in fields if f not in reused),
        *([] if known is not None else [_bits(keyed(pl.col(IDENTIFIER), key)).alias(_SUBJECT)]),
    )
    frame = plan.collect(engine="streaming")  # the keying runs on every core
    if known is not None:
        frame = frame.with_columns(
            _subject(claims, known[ID], key).alias(_SUBJECT),
            *(known[claimed_key(f)].alias(_KEY + f) for f in reused),
        )
    keys = [_keyed_values(frame[_FORM + f], key).alias(_KEY + f) for f in fields if f not in reused]
    frame = frame.with_columns(*keys, pl.col(_SUBJECT).fill_null(0))
    frame = frame.with_row_index(ROW).with_columns(_claim_key(rules, fields).alias(KEY))
    subject = pl.col(_SUBJECT)
    values = [
        frame.lazy()
        .filter(pl.col(CLAIM).is_in(users) & pl.col(_KEY + f).is_not_null())
        .select(ROW, pl.lit(f).alias(FIELD), _mix(subject, f).alias(SLOT), pl.col(_KEY + f))
        .select(ROW, FIELD, SLOT, (pl.col(SLOT) ^ _times(pl.col(_KEY + f), "value")).alias(PAIR))
        for f in fields
        if (users := [r.id for r in rules if f in r.fields()])
    ]
    schema = {ROW: pl.UInt32, FIELD: pl.String, SLOT: pl.UInt64, PAIR: pl.UInt64}
    named = pl.concat([pl.LazyFrame(schema=schema), *values]).collect()
    out = frame.select(ROW, CLAIM, KEY, UNLISTED)
    return Tried(out, named, frozenset(numeric))


def _subject(claims: pl.DataFrame, found: pl.Series, key: bytes) -> pl.Series:
    """The identifiers' first 64 bits as answering keyed them; those of invalid claims, which
    answering does not key, keyed here."""
    missing = found.is_null() & claims[IDENTIFIER].is_not_null()
    if not missing.any():
        return found
    rest = claims.filter(missing).select(_bits(keyed(pl.col(IDENTIFIER), key))).to_series()
    return found.scatter(missing.arg_true(), rest)


def _claim_key(rules: Sequence[ClaimRule], fields: Sequence[str]) -> pl.Expr:
    """The claim type, the identifier and each field's keyed value, mixed into 64 bits."""
    out = pl.when(False).then(pl.lit(0, dtype=pl.UInt64))
    for rule in rules:
        parts = [
            _times(pl.col(_KEY + f).fill_null(0), f"field:{f}")
            for f in rule.fields()
            if f in fields
        ]
        start = _mix(pl.col(_SUBJECT), f"claim:{rule.id}")
        out = out.when(pl.col(CLAIM) == rule.id).then(reduce(lambda a, b: a ^ b, parts, start))
    return out.otherwise(_mix(pl.col(_SUBJECT), "claim:?"))


def _mix(key: pl.Expr, name: str) -> pl.Expr:
    """A 64-bit key tied to a name: XOR with the name's constant, then an odd multiple."""
    return _times(key ^ pl.lit(_constant(name), dtype=pl.UInt64), f"mix:{name}")


def _times(key: pl.Expr, name: str) -> pl.Expr:
    """A 64-bit key times an odd constant of `name`, wrapping: a bijection of the key."""
    return key * pl.lit(_constant(name) | 1, dtype=pl.UInt64)


def _constant(name: str) -> int:
    """A fixed 64-bit number for a name, the same in every version of everything."""
    return int.from_bytes(hashlib.sha256(f"sluice:{name}".encode()).digest()[:8], "big")


def _unlisted(
    rules: Sequence[ClaimRule],
    thresholds: Mapping[str, Mapping[str, Sequence[float]]],
    columns: Sequence[str],
) -> pl.Expr:
    """The first at_least field of a claim whose minimum (a number) is not a declared one."""
    out = pl.when(False).then(pl.lit(None, dtype=pl.String))
    for rule in rules:
        for field in rule.at_least.values():
            if field not in columns:
                continue
            number = pl.col(field).cast(pl.String).cast(pl.Float64, strict=False)
            declared = [float(v) for v in thresholds.get(rule.id, {}).get(field, [])]
            off = (pl.col(CLAIM).cast(pl.String) == rule.id) & ~number.is_in(declared)
            out = out.when(off & number.is_not_null()).then(pl.lit(field))
    return out.otherwise(None)


def _form(field: str, *, numeric: bool) -> pl.Expr:
    """A claimed value in the form that is keyed: a minimum as its number (6 and 6.0 are one
    threshold; not a number, none), anything else as `keyed` unifies it."""
    raw = pl.col(field).cast(pl.String)
    if not numeric:
        return raw  # `keyed` unifies spaces, case and full-width forms itself
    return raw.str.strip_chars().cast(pl.Float64, strict=False).cast(pl.String)


def _keyed_values(values: pl.Series, key: bytes) -> pl.Expr:
    """Each value keyed, with one HMAC per distinct value rather than per claim."""
    distinct = values.unique().drop_nulls()
    keys = pl.select(_bits(keyed(pl.lit(distinct), key))).to_series()
    return pl.col(values.name).replace_strict(distinct, keys, default=None, return_dtype=pl.UInt64)


def _bits(pseudonym: pl.Expr) -> pl.Expr:
    """The first 64 bits of a hex pseudonym, as an integer."""
    return pseudonym.str.slice(0, BITS).str.to_integer(base=16, dtype=pl.UInt64)
