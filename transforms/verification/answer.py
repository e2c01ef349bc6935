"""Answering a batch of claims: match / no_match / not_found / invalid per claim, nothing more.

A claim is `invalid` (and never matched) when its type is unknown, its identifier is missing
or fails its checksum, or a field it needs is missing or not a number; `not_found` when the
index holds no record of the identifier; `match` when one record of the identifier satisfies
every part of the claim; else `no_match`. Claimed values are compared as keyed pseudonyms,
the way the index holds them.

The batch is checked and keyed in one streaming pass (both cores, whatever the batch's
chunks), sorted by key and merged into the index (sorted by key when it is written) in one
join whatever its claim types. Each (claim, record) pair is tested against its own claim
type's parts, and a claim's status is whether any of its pairs exists and holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.verification.index import (
    ID,
    LOW_PREFIX,
    MATCH_PREFIX,
    ClaimRule,
    index_records,
)
from transforms.verification.keys import Keyed, as_column_type, with_keys

ROW = "row"
CLAIM = "claim"
IDENTIFIER = "identifier"
STATUS = "status"
REASON = "reason"
FAILED = "failed"
_RULE = "__rule"
_COMPACT = "__compact"
_CLAIMED = "__claimed_"
_FOUND = "__found"
_HOLDS = "__holds"
_PART = "__part_"


def answer_claims(
    claims: pl.DataFrame,
    index: pl.LazyFrame,
    *,
    rules: Sequence[ClaimRule],
    key: bytes,
    valid: Callable[[pl.Expr], pl.Expr] | None = None,
    reveal: bool = False,
) -> pl.DataFrame:
    """One answer per claim, in claim order: `row` (0-based), `claim`, `status`, `reason`
    (why a claim is invalid, for counting; never returned to the consumer), and with `reveal`
    the parts that failed.

    >>> idx = pl.LazyFrame({ID: ["k1"]})
    >>> claims = pl.DataFrame({"claim": ["x", "y"], "identifier": [None, "1"]})
    >>> out = answer_claims(claims, idx, rules=[ClaimRule("x", require={})], key=b"k" * 32)
    >>> out[STATUS].to_list(), out[REASON].to_list()
    (['invalid', 'invalid'], ['identifier missing or failing its check', 'unknown claim type'])
    """
    batch = keyed_claims(claims, index, rules=rules, key=key, valid=valid)
    return answer_keyed(batch, index, rules=rules, reveal=reveal)


@dataclass(frozen=True)
class KeyedClaims:
    """A batch checked and keyed, ready to answer: `frame` holds row, claim, reason (why a
    claim is invalid), the keyed identifier of each valid claim (`ID`, `LOW_PREFIX + ID`), the
    keyed values matched (`claimed_key`) and the values compared; `fields` are the batch's
    columns. Enumeration control reads the same keys, so each value is keyed once."""

    frame: pl.DataFrame
    fields: frozenset[str]


def keyed_claims(
    claims: pl.DataFrame,
    index: pl.LazyFrame,
    *,
    rules: Sequence[ClaimRule],
    key: bytes,
    valid: Callable[[pl.Expr], pl.Expr] | None = None,
) -> KeyedClaims:
    """The batch checked and keyed in one streaming pass (the HMACs on every core)."""
    rules = list(rules)
    records = _records(index, rules)
    valid_only = pl.col(REASON).is_null()  # an invalid claim is never looked up
    values = {ID: Keyed(IDENTIFIER, only=valid_only, compacted=_COMPACT)}
    for field in dict.fromkeys(f for r in rules for f in r.match.values()):
        if field in claims.columns:
            users = [i for i, r in enumerate(rules) if field in r.match.values()]
            values[claimed_key(field)] = Keyed(field, only=pl.col(_RULE).is_in(users))
    compared = [*_where(claims, rules, records), *_numbers(claims, rules)]
    checked = _checked(claims, rules, valid)
    kept = [ROW, CLAIM, _RULE, REASON]
    frame = with_keys(checked, claims, values, key, also=compared, keep=kept)
    return KeyedClaims(frame, frozenset(claims.columns))


def answer_keyed(
    batch: KeyedClaims,
    index: pl.LazyFrame,
    *,
    rules: Sequence[ClaimRule],
    reveal: bool = False,
) -> pl.DataFrame:
    """`answer_claims` of a batch already keyed against the same index."""
    rules = list(rules)
    records = _records(index, rules)
    frame = batch.frame
    good = frame.drop(CLAIM, REASON).filter(frame[REASON].is_null())
    # a claim type whose fields the batch lacks has only invalid claims: nothing to test
    answerable = {i: r for i, r in enumerate(rules) if set(r.fields()) <= batch.fields}
    pairs = _pairs(good, records, answerable, reveal) if good.height else None
    return _statuses(frame, pairs, answerable, reveal)


def claimed_key(field: str) -> str:
    """The column of a keyed batch holding the first 64 bits of a matched field's keyed value
    (the next 64 are in `LOW_PREFIX` + it)."""
    return _CLAIMED + field


def _records(index: pl.LazyFrame, rules: list[ClaimRule]) -> pl.LazyFrame:
    """The index columns the claim types need."""
    needed = [
        *(MATCH_PREFIX + c for r in rules for c in r.match),
        *(c for r in rules for c in (*r.where, *r.at_least, *r.require)),
    ]
    return index_records(index, needed)


def _checked(
    claims: pl.DataFrame, rules: list[ClaimRule], valid: Callable[[pl.Expr], pl.Expr] | None
) -> pl.LazyFrame:
    """The batch with its claim type's position in `rules`, its compact identifier and why a
    claim is invalid."""
    positions = {r.id: i for i, r in reversed(list(enumerate(rules)))}
    claim = pl.col(CLAIM).cast(pl.String)
    frame = (
        claims.lazy()
        .with_row_index(ROW)
        .with_columns(
            claim,
            claim.replace_strict(positions, default=None, return_dtype=pl.UInt32).alias(_RULE),
            compact_expr(pl.col(IDENTIFIER).cast(pl.String)).alias(_COMPACT),
        )
    )
    checked = pl.col(_COMPACT).is_not_null() & (pl.col(_COMPACT) != "")
    if valid is not None:
        checked = checked & valid(pl.col(_COMPACT)).fill_null(False)
    reason = (
        pl.when(pl.col(_RULE).is_null())
        .then(pl.lit("unknown claim type"))
        .when(~checked)
        .then(pl.lit("identifier missing or failing its check"))
    )
    for i, r in enumerate(rules):
        missing = [f for f in r.fields() if f not in claims.columns]
        if missing:
            reason = reason.when(pl.col(_RULE) == i).then(
                pl.lit(f"field(s) {', '.join(missing)} missing")
            )
            continue
        empty = [pl.col(f).is_null() for f in r.fields()]
        unreadable = [_number(f).is_null() for f in r.at_least.values()]
        if empty or unreadable:
            broken = pl.any_horizontal(*empty, *unreadable)
            reason = reason.when((pl.col(_RULE) == i) & broken).then(
                pl.lit("a field is missing or not a number")
            )
    return frame.with_columns(reason.alias(REASON))


def _number(field: str) -> pl.Expr:
    return pl.col(field).cast(pl.Float64, strict=False)


def _where(claims: pl.DataFrame, rules: list[ClaimRule], records: pl.LazyFrame) -> list[pl.Expr]:
    """The claimed values of `where` parts, in the type of the index column each must equal."""
    pairs = dict.fromkeys(w for r in rules for w in r.where.items() if w[1] in claims.columns)
    schema = records.collect_schema() if pairs else {}
    text = [(pl.col(f).cast(pl.String).str.strip_chars(), schema[c], f"{c}={f}") for c, f in pairs]
    return [as_column_type(t, dtype).alias(_CLAIMED + name) for t, dtype, name in text]


def _numbers(claims: pl.DataFrame, rules: list[ClaimRule]) -> list[pl.Expr]:
    fields = dict.fromkeys(f for r in rules for f in r.at_least.values() if f in claims.columns)
    return [_number(f).alias(_CLAIMED + f) for f in fields]


def _pairs(
    good: pl.DataFrame, records: pl.LazyFrame, rules: dict[int, ClaimRule], reveal: bool
) -> pl.DataFrame:
    """Every (claim, record of its identifier) pair: the claim's row, whether the record
    holds every part of the claim and, with `reveal`, each part."""
    schema = records.collect_schema()
    by_key = good.lazy().sort(ID).with_columns(pl.col(ID).set_sorted())  # sorted: a merge
    joined = records.join(by_key, on=ID, how="inner")
    same = pl.col(LOW_PREFIX + ID) == pl.col(LOW_PREFIX + ID + "_right")
    parts = {i: _parts(r, schema) for i, r in rules.items()}
    every = {i: pl.all_horizontal(p.values()) if p else pl.lit(True) for i, p in parts.items()}
    columns = [pl.col(ROW), same.alias(_FOUND), (same & _by_rule(every)).alias(_HOLDS)]
    if reveal:
        for name in dict.fromkeys(n for mine in parts.values() for n in mine):
            held = {i: mine[name] for i, mine in parts.items() if name in mine}
            columns.append((same & _by_rule(held)).alias(_PART + name))
    return joined.select(columns).collect(engine="streaming")


def _by_rule(tests: dict[int, pl.Expr]) -> pl.Expr:
    """Each pair judged by its own claim type's test (false where a value is missing)."""
    judged = pl.lit(False)
    for i, test in reversed(tests.items()):
        judged = pl.when(pl.col(_RULE) == i).then(test.fill_null(False)).otherwise(judged)
    return judged


def _parts(rule: ClaimRule, schema: pl.Schema) -> dict[str, pl.Expr]:
    """Each part of the claim as a test on one (claim, record) pair, named by its column."""
    parts: dict[str, pl.Expr] = {}
    for column, claimed in rule.where.items():
        typed = schema[column].is_integer() or schema[column] == pl.String
        value = pl.col(column) if typed else pl.col(column).cast(pl.String)
        parts[column] = value == pl.col(_CLAIMED + f"{column}={claimed}")
    for column, claimed in rule.match.items():
        indexed, mine = MATCH_PREFIX + column, _CLAIMED + claimed
        parts[column] = (pl.col(indexed) == pl.col(mine)) & (
            pl.col(LOW_PREFIX + indexed) == pl.col(LOW_PREFIX + mine)
        )
    for column, claimed in rule.at_least.items():
        parts[column] = pl.col(column).cast(pl.Float64) >= pl.col(_CLAIMED + claimed)
    for column, values in rule.require.items():
        parts[column] = pl.col(column).cast(pl.String).is_in([str(v) for v in values])
    return parts


def _statuses(
    frame: pl.DataFrame, pairs: pl.DataFrame | None, rules: dict[int, ClaimRule], reveal: bool
) -> pl.DataFrame:
    """Each claim's status from its pairs: none is not_found, one holding every part a match."""

    def some(column: str) -> pl.Series:
        """Whether any pair of the claim has `column` true."""
        rows = pairs.filter(pl.col(column))[ROW] if pairs is not None else []
        return pl.zeros(frame.height, dtype=pl.Boolean, eager=True).scatter(rows, True)

    found, holds = some(_FOUND), some(_HOLDS)
    status = (
        pl.when(pl.col(REASON).is_not_null())
        .then(pl.lit("invalid"))
        .when(~pl.lit(found))
        .then(pl.lit("not_found"))
        .when(pl.lit(holds))
        .then(pl.lit("match"))
        .otherwise(pl.lit("no_match"))
    )
    answers = frame.select(ROW, CLAIM, status.alias(STATUS), REASON)
    if not reveal:
        return answers
    missed = found & ~holds
    names = {
        i: list(dict.fromkeys([*r.where, *r.match, *r.at_least, *r.require]))
        for i, r in rules.items()
    }
    held = {n: some(_PART + n).filter(missed) for listed in names.values() for n in listed}
    failed = frame.filter(missed).select(ROW, _failed(names, held).alias(FAILED))
    return answers.join(failed, on=ROW, how="left", maintain_order="left")


def _failed(names: dict[int, list[str]], held: dict[str, pl.Series]) -> pl.Expr:
    """The parts of its claim type that no record of the identifier holds."""
    failed = pl.lit(None, dtype=pl.List(pl.String))
    for i, parts in reversed(names.items()):
        missed = [pl.when(~pl.lit(held[n])).then(pl.lit(n)) for n in parts]
        mine = (
            pl.concat_list(missed).list.drop_nulls()
            if missed
            else pl.lit([], dtype=pl.List(pl.String))
        )
        failed = pl.when(pl.col(_RULE) == i).then(mine).otherwise(failed)
    return failed
