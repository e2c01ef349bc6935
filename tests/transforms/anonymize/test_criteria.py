"""One type per privacy model for every use: the classes the search finds failing are exactly
the ones that make the gate's measure of the same table fail, and each model explains itself
in the report's and the gate's words."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.anonymize.test_models_property import cases
from tests.transforms.anonymize.test_search_property import tables
from transforms.anonymize import (
    AnonymizationError,
    DistinctLDiversity,
    EntropyLDiversity,
    KAnonymity,
    RecursiveCLDiversity,
    TCloseness,
    environment_model,
    generalize_frame,
)
from transforms.anonymize.anonymised import failing_rows
from transforms.anonymize.models import TOLERANCE, class_floor


def _node(draw, hs: dict) -> dict[str, int]:
    return {c: draw(st.integers(0, h.height)) for c, h in hs.items()}


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.data())
def test_the_search_and_the_gate_agree_on_every_table(data):
    """At any node, some class fails the search's predicate exactly when the gate's measure of
    the generalised table misses the requirement."""
    frame, hs, model = data.draw(cases())
    node = _node(data.draw, hs)
    table = generalize_frame(frame, hs, node)
    qis = list(hs)
    check = model.judge(table, qis, frame)
    assert failing_rows(table, qis, [model]).any() == (not check.passed)
    assert check.name in ("l_diversity", "t_closeness")
    assert bool(check.detail) == (not check.passed)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.data())
def test_k_and_environments_agree_with_the_search(data):
    frame, hs = data.draw(tables())
    node = _node(data.draw, hs)
    table = generalize_frame(frame, hs, node)
    qis = list(hs)
    for model in (KAnonymity(data.draw(st.integers(1, 6))), environment_model("enclave")):
        check = model.judge(table, qis)
        assert failing_rows(table, qis, [model]).any() == (not check.passed)
        assert check.figures["required"] == model.k


def test_environments_are_k_anonymity_with_the_threshold_s_k():
    assert [environment_model(e).k for e in ("public", "controlled", "enclave")] == [20, 5, 3]
    env = environment_model("controlled")
    assert env.threshold == 0.2 and env.sizes_only and env.environment == "controlled"
    assert env.render() == "environment controlled"
    with pytest.raises(AnonymizationError, match="unknown release environment 'open'"):
        environment_model("open")


def test_the_class_floor_is_the_largest_k_of_the_size_models():
    models = [KAnonymity(4), environment_model("controlled"), DistinctLDiversity("s", 7)]
    assert class_floor(models) == KAnonymity(5)
    assert class_floor([DistinctLDiversity("s", 2)]) is None


def test_figures_and_explanations_name_what_failed():
    table = pl.DataFrame({"q": ["a"] * 4 + ["b"] * 2, "s": ["x", "y", "x", "y", "x", "x"]})
    checks = {
        "k": KAnonymity(3).judge(table, ["q"]),
        "distinct": DistinctLDiversity("s", 2).judge(table, ["q"]),
        "entropy": EntropyLDiversity("s", 1.5).judge(table, ["q"]),
        "recursive": RecursiveCLDiversity("s", 2.0, 2).judge(table, ["q"]),
        "t": TCloseness("s", 0.1).judge(table, ["q"], table),
    }
    assert not any(c.passed for c in checks.values())
    assert checks["k"].figures == {"required": 3, "achieved": 2}
    assert checks["k"].detail == "smallest class has 2 row(s), k=3 required"
    assert checks["distinct"].figures == {
        "column": "s", "kind": "distinct", "required": 2.0, "achieved": 1,
    }  # fmt: skip
    assert checks["distinct"].detail == "distinct l of 's' is 1, 2 required"
    assert checks["recursive"].figures["c_achieved"] == float("inf")
    assert checks["t"].figures["distance"] == "equal" and "at most 0.1" in checks["t"].detail


def test_a_value_on_its_bound_holds_within_the_one_tolerance():
    assert EntropyLDiversity("s", 2.0).holds(2.0 - TOLERANCE / 2)
    assert not EntropyLDiversity("s", 2.0).holds(2.0 - 2 * TOLERANCE)
    assert TCloseness("s", 0.2).holds(0.2 + TOLERANCE / 2)
    assert not TCloseness("s", 0.2).holds(0.2 + 2 * TOLERANCE)


def test_a_table_the_measure_cannot_read_is_refused_not_raised():
    table = pl.DataFrame({"q": ["a", "a"], "s": [None, 1]})
    check = TCloseness("s", 0.5, ordered=True).judge(table, ["q"], table)
    assert not check.passed and "without nulls" in check.detail
    assert "achieved" not in check.figures


def test_report_entries_name_each_model():
    table = pl.DataFrame({"q": ["a"] * 3, "s": ["x", "y", "z"]})
    entries = [
        m.report(table, ["q"], table)
        for m in (KAnonymity(2), DistinctLDiversity("s", 3), TCloseness("s", 0.3, True))
    ]
    assert [e["model"] for e in entries] == [
        "k-anonymity", "distinct-l-diversity:s", "t-closeness-ordered:s",
    ]  # fmt: skip
    assert [e["holds"] for e in entries] == [True, True, True]
    assert entries[2]["required"] == {"t": 0.3, "ordered": True}
    empty = KAnonymity(2).report(table.clear(), ["q"])
    assert empty == {"model": "k-anonymity", "required": {"k": 2}, "achieved": None}


def test_a_null_sensitive_value_is_a_value_like_any_other_against_the_reference():
    table = pl.DataFrame({"q": ["a", "a", "b", "b"], "s": [None, "x", None, "x"]})
    check = TCloseness("s", 0.1).judge(table, ["q"], table)
    assert check.passed and check.figures["achieved"] == 0.0
