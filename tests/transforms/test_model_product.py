"""Model products: every published cell covers at least min_group_size distinct people.

The property test recounts people per cell from the raw rows with plain Python, independently
of the polars code that built the product.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.deidentify import SUBJECT
from transforms.products.model import Dim, Stat, build_model

rows = st.lists(
    st.tuples(
        st.integers(0, 15),  # person
        st.sampled_from(["a", "b", "c", None]),  # dimension 1
        st.sampled_from(["x", "y"]),  # dimension 2
        st.floats(0, 1000, allow_nan=False),  # value
    ),
    min_size=1,
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, k=st.integers(2, 6))
def test_published_cells_cover_k_people_and_suppressed_cells_carry_nothing(rows, k):
    frame = pl.LazyFrame(
        rows,
        schema={SUBJECT: pl.Int64, "d1": pl.String, "d2": pl.String, "v": pl.Float64},
        orient="row",
    )
    out = build_model(
        frame,
        dims=[Dim("d1", "d1"), Dim("d2", "d2")],
        stats=[
            Stat("people", "count_subjects"),
            Stat("n", "count"),
            Stat("total", "sum", "v"),
            Stat("median", "median", "v"),
        ],
        min_group_size=k,
        subject=SUBJECT,
    ).collect()

    people: dict[tuple, set] = defaultdict(set)
    count: dict[tuple, int] = defaultdict(int)
    values: dict[tuple, list] = defaultdict(list)
    for person, d1, d2, value in rows:
        people[(d1, d2)].add(person)
        count[(d1, d2)] += 1
        values[(d1, d2)].append(value)
    assert out.height == len(people)
    for row in out.iter_rows(named=True):
        cell = (row["d1"], row["d2"])
        if len(people[cell]) < k:
            assert row["suppressed"] is True
            assert row["people"] is None and row["n"] is None and row["total"] is None
            assert row["median"] is None
        else:
            assert row["suppressed"] is False
            assert row["people"] == len(people[cell]) and row["n"] == count[cell]
            assert row["median"] == pytest.approx(statistics.median(values[cell]))


def test_without_subject_each_row_counts_as_a_person():
    frame = pl.LazyFrame({"d": ["a", "a", "b"]})
    out = build_model(
        frame, dims=[Dim("d", "district")], stats=[Stat("n", "count")], min_group_size=2
    )
    assert out.collect().rows() == [("a", 2, False), ("b", None, True)]


def test_rounding_and_median():
    frame = pl.LazyFrame({"d": ["a"] * 3, "v": [1.0, 2.0, 10.0]})
    out = build_model(
        frame,
        dims=[Dim("d", "d")],
        stats=[Stat("mean", "mean", "v", round=1), Stat("median", "median", "v")],
        min_group_size=2,
    ).collect()
    assert out.row(0) == ("a", 4.3, 2.0, False)
