"""Local cell suppression: every published class reaches k (checked by pyCANON), records that
already hid among k are untouched, and far fewer records are lost than by record suppression."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ADULT_DIR
from transforms.anonymize import AnonymizationError
from transforms.anonymize.cells import suppress_cells

pycanon = pytest.importorskip("pycanon.anonymity")

QIS = ["age", "sex", "race", "education"]


def test_adult_reaches_k_with_few_records_lost():
    frame = pl.read_csv(ADULT_DIR / "adult.csv", separator=";", infer_schema=False)
    k = 5
    done = suppress_cells(frame, QIS, k)
    assert pycanon.k_anonymity(done.frame.to_pandas(), QIS) >= k
    small = frame.select(pl.len().over(QIS) < k).to_series()
    assert done.removed < k <= int(small.sum())  # record suppression would drop all of them
    assert done.frame.height == frame.height - done.removed
    untouched = frame.filter(~small)
    assert untouched.join(done.frame, on=frame.columns, how="anti").height == 0
    assert done.cells["age"] > 0 and sum(done.cells.values()) >= int(small.sum())


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xy"), st.sampled_from("01")),
             min_size=1, max_size=40),
    st.integers(1, 4),
)  # fmt: skip
def test_every_published_class_has_k(rows, k):
    frame = pl.DataFrame(rows, schema=["p", "q", "r"], orient="row")
    done = suppress_cells(frame, ["p", "q", "r"], k)
    if done.frame.height:
        sizes = done.frame.group_by(["p", "q", "r"]).len()["len"]
        assert sizes.min() >= k
    assert done.removed < k or done.removed == 0
    assert done.frame.height + done.removed == frame.height


def test_bad_settings_are_clear_errors():
    frame = pl.DataFrame({"a": ["1"]})
    with pytest.raises(AnonymizationError, match="k must be at least 1"):
        suppress_cells(frame, ["a"], 0)
    with pytest.raises(AnonymizationError, match=r"\['b'\] are not columns"):
        suppress_cells(frame, ["b"], 2)
    with pytest.raises(AnonymizationError, match="must list each quasi-identifier once"):
        suppress_cells(frame, ["a"], 2, order=["a", "a"])
