"""Enumeration control's pure decisions: what a batch tries (keyed, invalid as the answers say),
limits judged with the window's history, shares over distinct claims, and the bound in bits."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings

from tests.transforms.test_verification import IDS, KEY, RULES, claims, records
from transforms.detectors.registry import get_detector
from transforms.verification import answer_claims, verification_index
from transforms.verification.answer import keyed_claims
from transforms.verification.answered import (
    INVALID,
    MATCH,
    PROBE,
    Answered,
    answered,
    outcomes,
)
from transforms.verification.bits import bits_per_window
from transforms.verification.index import ClaimRule
from transforms.verification.limits import (
    Breach,
    Limits,
    Window,
    after_answering,
    before_answering,
)
from transforms.verification.tried import Tried, tried_claims

VALID = get_detector("CN_RESIDENT_ID").valid_expr
THRESHOLDS = {"months": {"months": [0.0, 6.0, 12.0]}}


def tried(batch: pl.DataFrame) -> Tried:
    return tried_claims(batch, rules=RULES, thresholds=THRESHOLDS, key=KEY)


def names(ident: str, *guesses: str) -> pl.DataFrame:
    n = len(guesses)
    return pl.DataFrame({"claim": ["identity"] * n, "identifier": [ident] * n, "name": guesses})


def crossed(t: Tried, window: Window, limits: Limits, thresholds: dict) -> list[Breach]:
    return before_answering(t, window, limits, thresholds).breaches


def shares(t: Tried, statuses: pl.DataFrame, window: Window, limits: Limits) -> list[Breach]:
    verdict = before_answering(t, window, limits, {})
    return after_answering(verdict, outcomes(statuses), limits)


def recorded(t: Tried, statuses: pl.DataFrame, window: Window | None = None) -> Answered:
    verdict = before_answering(t, window or Window(), Limits(), {})
    return answered(t, outcomes(statuses), novel=verdict.novel, unseen=verdict.unseen)


def window_after(*batches: Tried, answers: list[pl.DataFrame] | None = None) -> Window:
    """The window a store would give back after `batches` were answered (as `answers`)."""
    window = Window()
    for i, t in enumerate(batches):
        got = answers[i] if answers else pl.DataFrame({"row": t.claims["row"], "status": "match"})
        new = recorded(t, got, window)
        window = Window(
            window.batches + 1,
            pl.concat([window.claims, new.claims]),
            pl.concat([window.values, new.values]),
        )
    return window


def earlier(**outcomes: int) -> Window:
    """A window of so many distinct earlier claims answered each way (match, probe, invalid)."""
    codes = {"match": MATCH, "probe": PROBE, "invalid": INVALID}
    told = [codes[o] for o, n in outcomes.items() for _ in range(n)]
    claims = pl.DataFrame(
        {"key": range(10**9, 10**9 + len(told)), "outcome": told},
        schema={"key": pl.UInt64, "outcome": pl.UInt8},
    )
    return Window(1, claims)


@settings(max_examples=100, deadline=None)
@given(rows=records, batch=claims)
def test_claims_written_alike_are_one_claim(rows, batch) -> None:
    """Two claims share a key only when the answers cannot tell them apart: whenever the
    keys agree, so do the answers, however each was written."""
    raw = pl.LazyFrame(rows, schema=["id", "name", "year", "months", "status"], orient="row")
    index = verification_index(raw, identifier="id", rules=RULES, key=KEY)
    frame = pl.DataFrame(
        batch, schema=["claim", "identifier", "name", "year", "months"], orient="row"
    )
    answers = answer_claims(frame, index, rules=RULES, key=KEY, valid=VALID)
    seen = tried(frame).claims.with_columns(answers["status"])
    valid = seen.filter(pl.col("status") != "invalid")
    groups = valid.group_by("key").agg(pl.col("status").n_unique())
    assert (groups["status"] == 1).all()


@settings(max_examples=100, deadline=None)
@given(rows=records, batch=claims)
def test_keys_read_from_answering_are_the_keys_made_alone(rows, batch) -> None:
    """Control reads the identifiers and names answering keyed (invalid claims' identifiers
    it keys itself): what it records is the same as keying the batch on its own, so history
    written either way is one history."""
    raw = pl.LazyFrame(rows, schema=["id", "name", "year", "months", "status"], orient="row")
    index = verification_index(raw, identifier="id", rules=RULES, key=KEY)
    frame = pl.DataFrame(
        batch, schema=["claim", "identifier", "name", "year", "months"], orient="row"
    )
    keyed = keyed_claims(frame, index, rules=RULES, key=KEY, valid=VALID)
    shared = tried_claims(frame, rules=RULES, thresholds=THRESHOLDS, key=KEY, batch=keyed)
    alone = tried(frame)
    assert shared.claims.equals(alone.claims)
    assert shared.values.equals(alone.values)


def test_nothing_tried_is_raw() -> None:
    batch = pl.DataFrame(
        {"claim": ["months"], "identifier": [IDS[0]], "year": ["2024"], "months": ["6"]}
    )
    seen = tried(batch)
    assert seen.claims.schema["key"] == seen.values.schema["pair"] == pl.UInt64
    kept = {*seen.claims["key"], *seen.values["slot"], *seen.values["pair"]}
    assert not {int(IDS[0]), 2024, 6} & kept
    assert all(k > 2**40 for k in kept)  # mixes of pseudonyms, not small numbers


def test_names_tried_across_batches_count_together() -> None:
    first = tried(names(IDS[0], "张三", "李四"))
    window = window_after(first)
    assert crossed(tried(names(IDS[0], "王五")), window, Limits(), THRESHOLDS) == []
    (breach,) = crossed(tried(names(IDS[0], "王五", "赵六")), window, Limits(), {})
    assert breach.rule == "max_values_per_identifier"
    assert "1 identifier(s) claimed with more than 3 different values of 'name'" in breach.message
    # another identifier, or the same names again, is no new value
    assert crossed(tried(names(IDS[3], "王五", "赵六")), window, Limits(), {}) == []
    assert crossed(tried(names(IDS[0], "张 三", "李四")), window, Limits(), {}) == []


def test_every_field_counts_where_fields_too() -> None:
    years = pl.DataFrame(
        {"claim": ["months"] * 4, "identifier": [IDS[0]] * 4,
         "year": ["2021", "2022", "2023", "2024"], "months": ["6"] * 4}
    )  # fmt: skip
    (breach,) = crossed(tried(years), Window(), Limits(), THRESHOLDS)
    assert "different values of 'year'" in breach.message


def months(*minimums: str, ident: str = IDS[0]) -> pl.DataFrame:
    n = len(minimums)
    return pl.DataFrame(
        {"claim": ["months"] * n, "identifier": [ident] * n, "year": ["2024"] * n,
         "months": list(minimums)}
    )  # fmt: skip


def test_minimums_only_from_the_declared_set_and_only_a_few() -> None:
    breaches = crossed(tried(months("5", "7")), Window(), Limits(), THRESHOLDS)
    assert [b.rule for b in breaches] == ["thresholds"]
    assert "2 claim(s) 'months' name a minimum in 'months' outside the declared" in (
        breaches[0].message
    )
    assert "[0, 6, 12]" in breaches[0].message
    assert crossed(tried(months("6", "6.0", "12")), Window(), Limits(), THRESHOLDS) == []
    window = window_after(tried(months("6")))
    assert crossed(tried(months("12")), window, Limits(), THRESHOLDS) == []
    (breach,) = crossed(tried(months("12", "0")), window, Limits(), THRESHOLDS)
    assert breach.rule == "max_thresholds_per_identifier"
    assert "more than 2 different thresholds of 'months'" in breach.message


def test_batch_sizes_and_counts() -> None:
    limits = Limits(max_claims_per_batch=2, max_batches=1)
    window = window_after(tried(names(IDS[0], "张三")))
    rules = [b.rule for b in crossed(tried(months("6", "6", "6")), window, limits, {})]
    assert rules == ["max_claims_per_batch", "max_batches_per_window"]


def test_the_invalid_share_is_judged_over_the_window_with_a_floor() -> None:
    bad = tried(names("110101199003077572", "张三"))  # wrong check digit
    invalid = pl.DataFrame({"row": [0], "status": ["invalid"]})
    # one invalid claim among few is no sign: shares are judged as if 20 claims were there
    assert shares(bad, invalid, Window(), Limits()) == []
    (breach,) = shares(bad, invalid, earlier(match=13, invalid=6), Limits())
    assert breach.rule == "max_invalid_share" and not breach.suspends
    assert "more than 30% of the distinct claims within 30 days were invalid" in breach.message


def test_probe_share_over_the_window_small_batches_included() -> None:
    limits = Limits()
    no = pl.DataFrame({"row": [0, 1, 2], "status": ["no_match", "not_found", "no_match"]})
    batch = tried(names(IDS[0], "甲", "乙", "丙"))
    assert shares(batch, no, earlier(probe=7), limits) == []  # 10 of 20
    (breach,) = shares(batch, no, earlier(probe=8), limits)
    assert breach.suspends and breach.rule == "max_probe_share"
    assert "11" not in breach.message and "%" in breach.message  # no figure of the answers


def test_repeats_neither_inflate_nor_dilute() -> None:
    once = tried(names(IDS[0], "甲"))
    window = window_after(once, answers=[pl.DataFrame({"row": [0], "status": ["no_match"]})])
    padded = tried(names(IDS[0], *["甲"] * 50))
    statuses = pl.DataFrame({"row": range(50), "status": ["no_match"] * 50})
    got = recorded(padded, statuses)
    assert got.claims.height == 1 and got.values.height == 1
    again = recorded(padded, statuses, window)  # already in the window: nothing new to keep
    assert again.claims.height == 0 and again.values.height == 0
    crowded = Window(2, pl.concat([window.claims, earlier(probe=9).claims]), window.values)
    # fifty repeats of a claim already seen add nothing: 10 probes of 20 is not above half
    assert shares(padded, statuses, crowded, Limits()) == []
    assert shares(padded, statuses, Window(2, earlier(probe=10).claims), Limits()) != []


def test_recorded_outcomes() -> None:
    batch = tried(
        pl.DataFrame(
            {"claim": ["identity", "identity", "identity", "nope"],
             "identifier": [IDS[0], IDS[3], "110101199003077572", IDS[0]],
             "name": ["甲", "乙", "丙", "丁"]}
        )
    )  # fmt: skip
    statuses = ["match", "not_found", "invalid", "invalid"]
    got = recorded(batch, pl.DataFrame({"row": range(4), "status": statuses}))
    assert sorted(got.claims["outcome"]) == [MATCH, PROBE, INVALID, INVALID]
    assert got.values.height == 2  # names of the valid claims only


@pytest.mark.parametrize(
    ("rule", "thresholds", "membership", "bits"),
    [
        (ClaimRule("identity", match={"xm": "name"}), {}, False, 2.0),
        (ClaimRule("m", where={"y": "year"}, at_least={"n": "months"}), {"n": 3}, False,
         3 * math.log2(3)),
        (ClaimRule("m", at_least={"n": "months"}), {"n": 1}, True, 2.0),
        (ClaimRule("active", require={"s": ["active"]}), {}, False, 1.0),
        (ClaimRule("pair", match={"a": "a", "b": "b"}), {}, False, 4.0),
    ],
)  # fmt: skip
def test_bits_per_window(rule, thresholds, membership, bits) -> None:
    found = bits_per_window(
        [rule], {rule.id: {v: thresholds.get(k, 1) for k, v in rule.at_least.items()}},
        max_values=3, max_thresholds=2, membership=membership,
    )  # fmt: skip
    assert found.total == pytest.approx(bits)


def test_bits_are_capped_by_the_claims_one_identifier_may_get_answered() -> None:
    rule = ClaimRule("m", match={"a": "a"}, at_least={"n": "n"})
    found = bits_per_window([rule], {"m": {"n": 5}}, max_values=1, max_thresholds=1,
                            membership=False)  # fmt: skip
    (part,) = found.claims
    assert (part.outcomes, part.claims, part.bits) == (4, 1, 1.0)
    assert "m 1 claims = 1.00" in found.render()
