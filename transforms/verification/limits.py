"""Enumeration control with memory: a batch judged together with everything the operator tried
on the product within the window, so that neither small batches nor many of them get around a
limit. Claims count once however often they are sent, so repeats neither inflate nor dilute.

The rules judged before answering depend only on what the operator sent. The invalid share is
read from the answers, but an answer is invalid for what the claim says, never for the data,
so it too tells nothing. The probe share depends on the data: its breach suspends the
operator, so it tells one bit per window. Everything that needs no answer, the counting for
the shares included, is done before answering, so that what follows the answers is quick."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.verification.answer import CLAIM, ROW
from transforms.verification.answered import INVALID, OUTCOME, PROBE
from transforms.verification.tried import FIELD, KEY, PAIR, SLOT, UNLISTED, Tried


@dataclass(frozen=True)
class Limits:
    """The policy's enumeration block in the core's terms (see its descriptions)."""

    window_days: int = 30
    max_values: int = 3
    max_thresholds: int = 2
    max_invalid_share: float = 0.3
    max_probe_share: float = 0.5
    min_claims: int = 20
    max_claims_per_batch: int = 100_000
    max_batches: int = 3_000


def _claims_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={KEY: pl.UInt64, OUTCOME: pl.UInt8})


def _values_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={SLOT: pl.UInt64, PAIR: pl.UInt64})


@dataclass(frozen=True)
class Window:
    """What the operator tried on the product within the window before this batch: how many
    batches were answered, their claims (key, outcome) and the values their valid claims
    named (slot, pair), each once, as the batch that first sent it within the window
    recorded it."""

    batches: int = 0
    claims: pl.DataFrame = field(default_factory=_claims_frame)
    values: pl.DataFrame = field(default_factory=_values_frame)


@dataclass(frozen=True)
class Breach:
    """A limit the batch crosses: the rule's policy key, and why, in words for the operator."""

    rule: str
    message: str
    suspends: bool = False


@dataclass(frozen=True)
class Verdict:
    """What was found before answering: the limits crossed, the window's claims by outcome,
    which claims of the batch are new to the window (the first of their key; Boolean, in claim
    order) and which values are (Boolean, in the order of the batch's values)."""

    breaches: list[Breach]
    told: dict[int, int]
    novel: pl.Series
    unseen: pl.Series


def before_answering(
    tried: Tried,
    window: Window,
    limits: Limits,
    thresholds: Mapping[str, Mapping[str, Sequence[float]]],
) -> Verdict:
    """Every limit the batch crosses that needs no answer to judge.

    >>> from transforms.verification.tried import tried_claims
    >>> from transforms.verification.index import ClaimRule
    >>> guesses = pl.DataFrame({"claim": ["id"] * 4, "identifier": ["1"] * 4,
    ...                         "name": ["a", "b", "c", None]})
    >>> t = tried_claims(guesses, rules=[ClaimRule("id", match={"xm": "name"})],
    ...                  thresholds={}, key=b"k" * 32)
    >>> [b.message for b in before_answering(t, Window(), Limits(max_values=2), {}).breaches]
    ["1 identifier(s) claimed with more than 2 different values of 'name' within 30 days"]
    """
    from transforms.verification.seen import new_claims, new_values  # compiled: on use

    days = f"within {limits.window_days} days"
    found = []
    if tried.claims.height > limits.max_claims_per_batch:
        found.append(
            Breach(
                "max_claims_per_batch",
                f"{tried.claims.height} claims in one batch, above {limits.max_claims_per_batch}",
            )
        )
    if window.batches + 1 > limits.max_batches:
        found.append(
            Breach(
                "max_batches_per_window",
                f"this would be batch {window.batches + 1} {days}, above {limits.max_batches}",
            )
        )
    found.extend(_unlisted(tried, thresholds))
    values, seen = tried.values, window.values
    unseen, counts = new_values(
        values[SLOT].to_numpy(),
        values[PAIR].to_numpy(),
        seen[SLOT].to_numpy(),
        seen[PAIR].to_numpy(),
    )
    found.extend(_spread(values.with_columns(n=counts), tried.thresholds, limits, days))
    told = dict(window.claims[OUTCOME].value_counts().iter_rows())
    novel = new_claims(tried.claims[KEY].to_numpy(), window.claims[KEY].to_numpy())
    return Verdict(found, told, pl.Series(novel), pl.Series(unseen))


def after_answering(verdict: Verdict, told: pl.Series, limits: Limits) -> list[Breach]:
    """The shares over the window with this batch's answers (`told`, in claim order): invalid
    among distinct claims, and not_found and no_match among distinct valid ones (a breach that
    suspends). Messages say only that a limit was crossed, never by how much: the figure
    would tell what the withheld answers were.

    >>> new = Verdict([], {}, pl.Series([True, True, True]), pl.Series([], dtype=pl.Boolean))
    >>> probes = pl.Series([PROBE] * 3, dtype=pl.UInt8)
    >>> [b.rule for b in after_answering(new, probes, Limits(min_claims=4))]
    ['max_probe_share']
    """
    days = f"within {limits.window_days} days"
    fresh = told.filter(verdict.novel)
    claims = sum(verdict.told.values()) + fresh.len()
    invalid = verdict.told.get(INVALID, 0) + int((fresh == INVALID).sum())
    probes = verdict.told.get(PROBE, 0) + int((fresh == PROBE).sum())
    found = []
    if invalid > limits.max_invalid_share * max(claims, limits.min_claims):
        found.append(
            Breach(
                "max_invalid_share",
                f"more than {limits.max_invalid_share:.0%} of the distinct claims {days} "
                "were invalid (a wrong check digit, a missing field, an unknown claim type)",
            )
        )
    if probes > limits.max_probe_share * max(claims - invalid, limits.min_claims):
        found.append(
            Breach(
                "max_probe_share",
                f"more than {limits.max_probe_share:.0%} of the distinct valid claims {days} "
                "were not answered match",
                suspends=True,
            )
        )
    return found


def _unlisted(tried: Tried, thresholds: Mapping[str, Mapping[str, Sequence[float]]]) -> list:
    """Claims naming a minimum outside the declared set: the batch is refused, rather than the
    claims answered invalid, so that a sweep is never half answered."""
    off = tried.claims.filter(pl.col(UNLISTED).is_not_null())
    found = []
    counted = off.group_by(CLAIM, UNLISTED).agg(pl.len(), pl.col(ROW).min()).sort(CLAIM, UNLISTED)
    for claim, name, n, first in counted.iter_rows():
        allowed = ", ".join(f"{v:g}" for v in thresholds.get(claim, {}).get(name, []))
        found.append(
            Breach(
                "thresholds",
                f"{n} claim(s) '{claim}' name a minimum in '{name}' outside the declared "
                f"thresholds [{allowed}] (first on line {first + 2}, after the header)",
            )
        )
    return found


def _spread(
    counted: pl.DataFrame, thresholds: frozenset[str], limits: Limits, days: str
) -> list[Breach]:
    """Identifiers claimed with more different values of a field than the limit allows
    (`counted`: each value the batch names with its slot, field and n, how many different
    values the slot has, the window's with the batch's); a minimum's field against the lower
    threshold limit."""
    fewer = min(limits.max_thresholds, limits.max_values)
    limit = pl.when(pl.col(FIELD).is_in(sorted(thresholds))).then(fewer)
    over = (
        counted.filter(pl.col("n") > limit.otherwise(limits.max_values))
        .unique(SLOT)
        .group_by(FIELD)
        .agg(pl.len())
        .sort(FIELD)
    )
    found = []
    for name, n in over.iter_rows():
        minimum = name in thresholds
        rule = "max_thresholds_per_identifier" if minimum else "max_values_per_identifier"
        limit_n, what = (fewer, "thresholds") if minimum else (limits.max_values, "values")
        found.append(
            Breach(
                rule,
                f"{n} identifier(s) claimed with more than {limit_n} different {what} of "
                f"'{name}' {days}",
            )
        )
    return found
