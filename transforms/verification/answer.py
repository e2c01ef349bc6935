"""Answering a batch of claims: match / no_match / not_found / invalid per claim, nothing more.

A claim is `invalid` (and never matched) when its type is unknown, its identifier is missing
or fails its checksum, or a field it needs is missing or not a number; `not_found` when the
index holds no record of the identifier; `match` when one record of the identifier satisfies
every part of the claim; else `no_match`. Claimed values are compared as keyed pseudonyms,
the way the index holds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.verification.index import ID, MATCH_PREFIX, ClaimRule, keyed

ROW = "row"
CLAIM = "claim"
IDENTIFIER = "identifier"
STATUS = "status"
REASON = "reason"
FAILED = "failed"
_PRESENT = "__present"
_CLAIMED = "__claimed_"
_KEYED = "__keyed_"


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
    known = {r.id: r for r in rules}
    frame = claims.with_row_index(ROW).with_columns(
        pl.col(CLAIM).cast(pl.String), pl.col(IDENTIFIER).cast(pl.String)
    )
    compact = compact_expr(pl.col(IDENTIFIER))
    checked = compact.is_not_null() & (compact != "")
    if valid is not None:
        checked = checked & valid(compact).fill_null(False)
    reason = (
        pl.when(~pl.col(CLAIM).is_in(list(known)) | pl.col(CLAIM).is_null())
        .then(pl.lit("unknown claim type"))
        .when(~checked)
        .then(pl.lit("identifier missing or failing its check"))
    )
    frame = frame.with_columns(reason.alias(REASON), keyed(pl.col(IDENTIFIER), key).alias(ID))
    answered = [_invalid(frame.filter(pl.col(REASON).is_not_null()), reveal)]
    for rule in rules:
        mine = frame.filter(pl.col(REASON).is_null() & (pl.col(CLAIM) == rule.id))
        answered.append(_answer(mine, index, rule, key, reveal))
    out = pl.concat([a for a in answered if a.height], how="diagonal_relaxed")
    if not out.height:
        out = _invalid(frame.head(0), reveal)
    return out.sort(ROW).select(ROW, CLAIM, STATUS, REASON, *([FAILED] if reveal else []))


def _invalid(frame: pl.DataFrame, reveal: bool) -> pl.DataFrame:
    out = frame.select(ROW, CLAIM, pl.lit("invalid").alias(STATUS), REASON)
    return out.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(FAILED)) if reveal else out


def _answer(
    claims: pl.DataFrame, index: pl.LazyFrame, rule: ClaimRule, key: bytes, reveal: bool
) -> pl.DataFrame:
    missing = [f for f in rule.fields() if f not in claims.columns]
    if missing or not claims.height:
        why = f"field(s) {', '.join(missing)} missing" if missing else None
        return _invalid(claims.with_columns(pl.lit(why).alias(REASON)), reveal)
    # claimed values under names of their own, so they never meet the index's columns
    claims = claims.select(ROW, CLAIM, ID, *(pl.col(f).alias(_CLAIMED + f) for f in rule.fields()))
    numbers = {
        f: pl.col(_CLAIMED + f).cast(pl.Float64, strict=False) for f in rule.at_least.values()
    }
    fields = [pl.col(_CLAIMED + f).is_null() for f in rule.fields()]
    unreadable = [e.is_null() for e in numbers.values()]
    broken = pl.any_horizontal(*fields, *unreadable) if fields else pl.lit(False)
    claims = claims.with_columns(
        pl.when(broken).then(pl.lit("a field is missing or not a number")).alias(REASON),
        *(keyed(pl.col(_CLAIMED + f), key).alias(_KEYED + f) for f in rule.match.values()),
    )
    bad = claims.filter(pl.col(REASON).is_not_null())
    good = claims.filter(pl.col(REASON).is_null())
    parts = _parts(rule, numbers)
    needed = [
        ID,
        *(MATCH_PREFIX + c for c in rule.match),
        *rule.where,
        *rule.at_least,
        *rule.require,
    ]
    records = index.select(list(dict.fromkeys(needed))).with_columns(pl.lit(True).alias(_PRESENT))
    joined = good.lazy().join(records, on=ID, how="left")
    present = pl.col(_PRESENT).fill_null(False)
    every = pl.all_horizontal(expr for expr in parts.values()) if parts else pl.lit(True)
    summary = joined.group_by(ROW, maintain_order=True).agg(
        present.any().alias("__found"),
        (present & every.fill_null(False)).any().alias("__holds"),
        *((present & e.fill_null(False)).any().alias(f"__part_{n}") for n, e in parts.items()),
    )
    status = (
        pl.when(~pl.col("__found"))
        .then(pl.lit("not_found"))
        .when(pl.col("__holds"))
        .then(pl.lit("match"))
        .otherwise(pl.lit("no_match"))
    )
    columns = [ROW, CLAIM, status.alias(STATUS), pl.lit(None, dtype=pl.String).alias(REASON)]
    if reveal:
        failed = pl.concat_list(
            pl.when(~pl.col(f"__part_{n}")).then(pl.lit(n)).otherwise(None) for n in parts
        ).list.drop_nulls()
        columns.append(pl.when(pl.col("__found") & ~pl.col("__holds")).then(failed).alias(FAILED))
    answered = good.lazy().select(ROW, CLAIM).join(summary, on=ROW).select(columns).collect()
    return pl.concat([answered, _invalid(bad, reveal)], how="diagonal_relaxed")


def _parts(rule: ClaimRule, numbers: dict[str, pl.Expr]) -> dict[str, pl.Expr]:
    """Each part of the claim as a test on one (claim, record) pair, named by its column."""
    parts: dict[str, pl.Expr] = {}
    for column, claimed in rule.where.items():
        value = pl.col(_CLAIMED + claimed).cast(pl.String).str.strip_chars()
        parts[column] = pl.col(column).cast(pl.String) == value
    for column, claimed in rule.match.items():
        parts[column] = pl.col(MATCH_PREFIX + column) == pl.col(_KEYED + claimed)
    for column, claimed in rule.at_least.items():
        parts[column] = pl.col(column).cast(pl.Float64) >= numbers[claimed]
    for column, values in rule.require.items():
        parts[column] = pl.col(column).cast(pl.String).is_in([str(v) for v in values])
    return parts
