"""Bands of whole numbers between two ends are labelled from a list written once; every value
must get the label the arithmetic gives it."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.operators.generalize import band


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-30, 130)), min_size=1, max_size=60),
    bottom=st.integers(-20, 60),
    span=st.integers(1, 80),
    width=st.integers(1, 25),
)
def test_listed_bands_are_the_bands_the_arithmetic_gives(values, bottom, span, width):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int32})
    shape = {"width": width, "bottom": bottom, "top": bottom + span, "integral": True}
    listed = frame.select(band(pl.col("v"), whole=True, **shape).alias("v"))
    computed = frame.select(band(pl.col("v"), **shape).alias("v"))
    assert listed.equals(computed)
