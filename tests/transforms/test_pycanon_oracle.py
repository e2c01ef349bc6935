"""pyCANON as an independent oracle for the egress gate's privacy measures.

pyCANON pins old numpy/pandas, so it is installed without its dependencies in the dev
environment only; where it is absent this module is skipped.
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("pycanon")
pytest.importorskip("pandas")

from pycanon import anonymity

from tests.conftest import ADULT_DIR
from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_k,
    measure_recursive_cl,
    measure_t_closeness,
)

ADULT = ADULT_DIR / "adult.csv"


def _pandas(frame: pl.DataFrame):
    """pyCANON indexes classes by label with iloc, so the index must be a fresh RangeIndex;
    pandas groupby drops null keys, so tables handed to it must have none."""
    return frame.to_pandas().reset_index(drop=True)


def oracle_k(frame: pl.DataFrame, qis: list[str]) -> int:
    return int(anonymity.k_anonymity(_pandas(frame), qis))


def oracle_l(frame: pl.DataFrame, qis: list[str], sensitive: str) -> int:
    return int(anonymity.l_diversity(_pandas(frame), qis, [sensitive]))


def oracle_entropy_l(frame: pl.DataFrame, qis: list[str], sensitive: str) -> int:
    """pyCANON truncates exp(entropy) to an integer."""
    return int(anonymity.entropy_l_diversity(_pandas(frame), qis, [sensitive]))


def oracle_recursive_cl(frame: pl.DataFrame, qis: list[str], sensitive: str) -> tuple[float, int]:
    """pyCANON's integer c and the distinct l it uses (nan for c when l = 1)."""
    c, l = anonymity.recursive_c_l_diversity(_pandas(frame), qis, [sensitive])  # noqa: E741
    return float(c), int(l)


def oracle_t(frame: pl.DataFrame, qis: list[str], sensitive: str) -> float:
    """Numeric sensitive columns get the ordered distance, strings the equal distance."""
    return float(anonymity.t_closeness(_pandas(frame), qis, [sensitive]))


# --- the oracle against hand values ------------------------------------------------------------

HAND = pl.DataFrame(
    {
        "a": [1, 1, 1, 2, 2, 2, 2],
        "b": ["u", "u", "u", "v", "v", "v", "v"],
        "s": ["p", "q", "p", "p", "q", "r", "r"],
        "n": [1, 2, 1, 3, 1, 2, 3],
    }
)


def test_oracle_hand_values() -> None:
    assert oracle_k(HAND, ["a", "b"]) == 3
    assert oracle_l(HAND, ["a", "b"], "s") == 2
    # exp(H) of class 1 is 1.89, truncated
    assert oracle_entropy_l(HAND, ["a", "b"], "s") == 1
    assert oracle_t(HAND, ["a", "b"], "s") == pytest.approx(6 / 21)
    assert oracle_t(HAND, ["a", "b"], "n") == pytest.approx(11 / 42)


def test_oracle_on_adult() -> None:
    adult = pl.read_csv(ADULT, separator=";")
    qis = [c for c in adult.columns if c != "salary-class"]
    assert oracle_k(adult, qis) == 1 == measure_k(adult, qis)
    coarse = ["sex", "race"]
    assert measure_distinct_l(adult, coarse, "occupation") == oracle_l(adult, coarse, "occupation")
    assert measure_t_closeness(adult, coarse, "occupation", ordered=False) == pytest.approx(
        oracle_t(adult, coarse, "occupation")
    )
    assert measure_t_closeness(adult, coarse, "age", ordered=True) == pytest.approx(
        oracle_t(adult, coarse, "age")
    )


def test_pycanon_recursive_cl_is_not_machanavajjhala() -> None:
    """pyCANON sorts the counts ascending, so its r_1 is the rarest value, not the most frequent;
    it is therefore only an oracle for (c,l) where every class is uniform (below)."""
    frame = pl.DataFrame({"a": [1] * 5, "s": ["x", "x", "x", "y", "z"]})
    assert oracle_recursive_cl(frame, ["a"], "s") == (1.0, 3)
    assert measure_recursive_cl(frame, ["a"], "s", 3) == 3.0
    two = pl.DataFrame({"a": [1] * 5 + [2] * 4, "s": [*"xxxyz", *"xyyy"]})
    # class 2 has counts (3, 1): 3 < c * 1 needs c > 3, yet pyCANON answers c = 1
    assert oracle_recursive_cl(two, ["a"], "s") == (1.0, 2)
    assert measure_recursive_cl(two, ["a"], "s", 2) == 3.0


# --- privacy_check against the oracle on random tables ---------------------------------------

QIS = ["a", "b"]
ROWS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["flu", "hiv", "cold", "none"]),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=30,
)


def to_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"a": pl.Int64, "b": pl.String, "s": pl.String, "n": pl.Int64}, orient="row"
    )


@settings(derandomize=True, max_examples=30, deadline=None)
@given(ROWS)
def test_k_l_t_agree_with_pycanon(rows: list[tuple]) -> None:
    frame = to_frame(rows)
    assert measure_k(frame, QIS) == oracle_k(frame, QIS)
    assert measure_distinct_l(frame, QIS, "s") == oracle_l(frame, QIS, "s")
    ours = measure_entropy_l(frame, QIS, "s")
    assert oracle_entropy_l(frame, QIS, "s") in {math.floor(ours - 1e-9), math.floor(ours + 1e-9)}
    assert measure_t_closeness(frame, QIS, "s", ordered=False) == pytest.approx(
        oracle_t(frame, QIS, "s")
    )
    assume(frame["n"].n_unique() > 1)  # pyCANON divides by m - 1
    assert measure_t_closeness(frame, QIS, "n", ordered=True) == pytest.approx(
        oracle_t(frame, QIS, "n")
    )


@st.composite
def uniform_classes(draw: st.DrawFn) -> pl.DataFrame:
    """Classes in which every sensitive value occurs equally often."""
    rows = []
    for cls in range(draw(st.integers(1, 4))):
        values = draw(st.sets(st.sampled_from("pqrstu"), min_size=2, max_size=5))
        repeat = draw(st.integers(1, 3))
        rows += [(cls, v) for v in sorted(values) for _ in range(repeat)]
    return pl.DataFrame(rows, schema={"a": pl.Int64, "s": pl.String}, orient="row")


@settings(derandomize=True, max_examples=25, deadline=None)
@given(uniform_classes())
def test_recursive_cl_agrees_with_pycanon_on_uniform_classes(frame: pl.DataFrame) -> None:
    c, l = oracle_recursive_cl(frame, ["a"], "s")  # noqa: E741
    assert l == measure_distinct_l(frame, ["a"], "s")
    # pyCANON reports the smallest integer c that holds: floor(c*) + 1
    assert c == math.floor(measure_recursive_cl(frame, ["a"], "s", l)) + 1
