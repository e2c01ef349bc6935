"""An answered batch as the enumeration history keeps it: each distinct claim once, with what
its answer told (a match, a probe: no_match or not_found, or invalid), and the distinct values
its valid claims named, per identifier and field."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.verification.answer import ROW, STATUS
from transforms.verification.tried import KEY, PAIR, SLOT, Tried

OUTCOME = "outcome"
MATCH, PROBE, INVALID = 0, 1, 2
"""What an answer told, as a small number, the more telling the higher: a match; a probe
(no_match or not_found, which say what is not so); an invalid claim, answered nothing."""
PROBES = ("no_match", "not_found")


@dataclass(frozen=True)
class Answered:
    """`claims`: key, outcome (MATCH, PROBE or INVALID), one row per claim new to the window.
    `values`: slot, pair, one row per value a valid claim named that is new to the window."""

    claims: pl.DataFrame
    values: pl.DataFrame


def outcomes(answers: pl.DataFrame) -> pl.Series:
    """What each answer told, in claim order (answers carry row and status).

    >>> outcomes(pl.DataFrame({"row": [1, 0], "status": ["not_found", "match"]})).to_list()
    [0, 1]
    """
    told = (
        pl.when(pl.col(STATUS) == "invalid")
        .then(pl.lit(INVALID, dtype=pl.UInt8))
        .when(pl.col(STATUS).is_in(PROBES))
        .then(pl.lit(PROBE, dtype=pl.UInt8))
        .otherwise(pl.lit(MATCH, dtype=pl.UInt8))
    )
    return answers.sort(ROW).select(told.alias(OUTCOME)).to_series()


def answered(tried: Tried, told: pl.Series, *, novel: pl.Series, unseen: pl.Series) -> Answered:
    """What the batch `tried` adds to the history, now that its answers `told` (`outcomes`):
    the claims and values the window did not hold yet (`novel` claims, `unseen` values: the
    verdict before answering says which), each once.

    >>> from transforms.verification.index import ClaimRule
    >>> from transforms.verification.limits import Limits, Window, before_answering
    >>> from transforms.verification.tried import tried_claims
    >>> batch = pl.DataFrame({"claim": ["id"] * 3, "identifier": ["1", "1", "2"],
    ...                       "name": ["a", "a", "b"]})
    >>> t = tried_claims(batch, rules=[ClaimRule("id", match={"xm": "name"})], thresholds={},
    ...                  key=b"k" * 32)
    >>> verdict = before_answering(t, Window(), Limits(), {})
    >>> told = pl.Series([PROBE, PROBE, INVALID], dtype=pl.UInt8)
    >>> got = answered(t, told, novel=verdict.novel, unseen=verdict.unseen)
    >>> sorted(got.claims["outcome"]) == [PROBE, INVALID], got.values.height
    (True, 1)
    """
    claims = tried.claims.select(KEY, told.alias(OUTCOME)).filter(novel)
    valid = told.gather(tried.values[ROW]) != INVALID
    values = tried.values.filter(valid & unseen).select(SLOT, PAIR)
    return Answered(claims, values.filter(pl.col(PAIR).is_first_distinct()))
