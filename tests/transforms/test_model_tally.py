"""A model's tally: every cell counted once from the rows, then read by the table, by the exact
values the release ledger keeps and by the gate. Each reader must get what recounting the rows
for it gives, and the gate must still refuse a table whose cells the rows do not bear out."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.deidentify import SUBJECT
from transforms.egress import CellRule, EgressRefused, Origin, egress_gate
from transforms.footprint import Statistic
from transforms.linked.truth import exact_values
from transforms.products.model import (
    CELL_SUBJECTS,
    LEVEL,
    MARGIN,
    Dim,
    Stat,
    build_model,
    model_from_tally,
    tally_model,
    tally_values,
)

DIMS = [Dim("d1", "one"), Dim("d2", "two")]
STATS = [
    Stat("people", "count_subjects"),
    Stat("n", "count"),
    Stat("total", "sum", "v"),
    Stat("mean", "mean", "v", round=1),
    Stat("median", "median", "v"),
]
rows = st.lists(
    st.tuples(
        st.integers(0, 12),  # person
        st.sampled_from(["a", "b", "c", None]),
        st.sampled_from(["x", "y"]),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=100,
)


def frame_of(found: list[tuple]) -> pl.LazyFrame:
    schema = {SUBJECT: pl.String, "d1": pl.String, "d2": pl.String, "v": pl.Int64}
    data = [(f"p{p}", d1, d2, v) for p, d1, d2, v in found]
    return pl.LazyFrame(data, schema=schema, orient="row")


@settings(max_examples=60, deadline=None)
@given(found=rows, margins=st.sampled_from([(), ("one",), ("one", "two")]))
def test_the_tally_gives_what_recounting_the_rows_gives(found, margins):
    frame = frame_of(found)
    shape = {"dims": DIMS, "stats": STATS, "margins": margins}
    tally = tally_model(frame, subject=SUBJECT, **shape)
    table = model_from_tally(tally, min_group_size=2, **shape).collect()
    hashed = frame.with_columns(pl.col(SUBJECT).hash().alias("__h"))
    once = build_model(hashed, subject=SUBJECT, subject_hash="__h", min_group_size=2, **shape)
    assert once.collect().equals(table)
    margin = MARGIN if margins else None
    additive = [Statistic(s.name, s.agg, s.column) for s in STATS[:3]]
    recounted = exact_values(
        table, frame, dims=[(d.column, d.output) for d in DIMS], statistics=additive,
        subject=SUBJECT, margin=margin,
    )  # fmt: skip
    read = tally_values(
        table, tally, keys=["one", "two"], statistics=[(s.name, s.aggregate) for s in additive],
        margin=margin,
    )  # fmt: skip
    assert read.equals(recounted)


SOURCE = frame_of(
    [(p, "a", "x", 1) for p in range(5)] + [(0, "b", "x", 1), (1, "b", "x", 2), (2, "b", "y", 3)]
)
LINEAGE = {
    "one": Origin("dimension", "d1", "quasi_identifier"),
    "two": Origin("dimension", "d2", "quasi_identifier"),
    "n": Origin("measure", None, None),
    "suppressed": Origin("flag"),
    "margin": Origin("flag"),
}


def rules(margin: str | None) -> tuple[CellRule, CellRule]:
    """The same rule twice: recounting the source, and reading the tally's counts."""
    tally = tally_model(
        SOURCE, dims=DIMS, stats=[Stat("n", "count")], subject=SUBJECT,
        margins=["one"] if margin else [],
    )  # fmt: skip
    counts = tally.select("one", "two", LEVEL, CELL_SUBJECTS)
    shape = {"dims": [("d1", "one"), ("d2", "two")], "min_group_size": 3, "subject": SUBJECT}
    return CellRule(SOURCE, margin=margin, **shape), CellRule(
        SOURCE.head(0), margin=margin, counts=counts, **shape
    )


def checked(table: pl.DataFrame, rule: CellRule) -> dict:
    try:
        release = egress_gate(table, lineage=LINEAGE, rules=[rule])
    except EgressRefused as refused:
        return {c.name: c.detail for c in refused.checks if not c.passed}
    return {c.name: dict(c.figures) for c in release.checks if c.name == "min_group_size"}


@pytest.mark.parametrize(
    "table",
    [
        pl.DataFrame({"one": ["a", "b"], "two": ["x", "x"], "n": [5, None],
                      "suppressed": [False, True]}),
        # a small cell shown, as a builder that forgot to suppress it would
        pl.DataFrame({"one": ["a", "b"], "two": ["x", "x"], "n": [5, 2],
                      "suppressed": [False, False]}),
        # a cell no row falls in
        pl.DataFrame({"one": ["a", "c"], "two": ["x", "x"], "n": [5, 9],
                      "suppressed": [False, False]}),
        # the labels of a large cell on a small one
        pl.DataFrame({"one": ["b", "a"], "two": ["x", "x"], "n": [5, None],
                      "suppressed": [False, True]}),
    ],
)  # fmt: skip
def test_the_gate_reading_the_tally_judges_a_table_as_recounting_the_source_does(table):
    recounting, reading = rules(None)
    assert checked(table, reading) == checked(table, recounting)


def test_the_gate_reading_the_tally_checks_each_total_at_its_own_level():
    recounting, reading = rules("margin")
    table = pl.DataFrame(
        {"one": ["a", "b", None, None], "two": ["x", "x", "x", "y"], "n": [5, None, 7, 1],
         "suppressed": [False, True, False, False], "margin": [None, None, "one", "one"]}
    )  # fmt: skip
    found = checked(table, reading)
    assert found == checked(table, recounting)
    assert "1 published cell(s) cover fewer than 3" in found["min_group_size"]
