"""Published output re-measured with a plain polars group_by, not with the search code."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.anonymize.test_search_property import tables
from transforms.anonymize.apply import SUPPRESSED, apply_node
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import anonymize_search


def smallest_class(frame: pl.DataFrame, columns: list[str]) -> int:
    return frame.group_by(columns).len()["len"].min()


def test_adult_output_is_k_anonymous(adult):
    frame, hierarchies = adult
    levels = dict(zip(hierarchies, (0, 1, 1, 2, 3, 2, 2, 1), strict=True))
    out = apply_node(frame, hierarchies, levels, k=10)
    assert smallest_class(out, list(hierarchies)) >= 10
    assert frame.height - out.height == 121
    assert out.columns == frame.columns
    assert set(out["age"].unique()) <= set(hierarchies["age"].levels[0].values())
    assert set(out["race"].unique()) == {"*"}


def test_flagging_keeps_every_row(adult):
    frame, hierarchies = adult
    levels = dict(zip(hierarchies, (1, 1, 1, 1, 3, 2, 2, 2), strict=True))
    out = apply_node(frame, hierarchies, levels, k=10, drop_suppressed=False)
    assert out.height == frame.height
    assert out[SUPPRESSED].sum() == 0


@settings(max_examples=30, derandomize=True, deadline=None)
@given(tables(), st.integers(1, 4), st.sampled_from([0.0, 0.2]))
def test_search_then_apply_is_k_anonymous(table, k, fraction):
    frame, hs = table
    try:
        result = anonymize_search(frame, hs, [KAnonymity(k)], fraction)
    except AnonymizationError:
        return
    out = apply_node(frame, hs, result.levels, k=k)
    assert frame.height - out.height == result.suppressed
    assert result.suppressed <= max_suppressed(fraction, frame.height)
    if out.height:
        assert smallest_class(out, list(hs)) >= k
        assert out.group_by(list(hs)).len().height == result.classes
