"""Risk figures and privacy measures against ARX's published Adult figures, hand values and a
plain-Python reference."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ADULT_DIR, ADULT_QIS
from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_k,
    measure_recursive_cl,
    measure_t_closeness,
)
from transforms.anonymize.risk import RISK_THRESHOLDS, meets_environment, risk_profile
from transforms.errors import TransformError

ADULT = ADULT_DIR / "adult.csv"


@pytest.fixture(scope="module")
def adult() -> pl.DataFrame:
    return pl.read_csv(ADULT, separator=";")


def test_adult_reproduces_arx_risk_figures(adult: pl.DataFrame) -> None:
    profile = risk_profile(adult, ADULT_QIS, threshold=0.2)
    assert profile.records == 30_162
    assert profile.prosecutor_max_risk == 1.0
    assert round(profile.prosecutor_avg_risk, 3) == 0.600
    assert round(profile.marketer_risk, 3) == 0.600
    assert round(profile.sample_uniques * 100, 1) == 46.5
    assert round(profile.records_at_risk * 100, 1) == 72.9
    assert profile.journalist_max_risk == 1.0
    assert not meets_environment(profile, "enclave")


def test_adult_k_is_one(adult: pl.DataFrame) -> None:
    assert measure_k(adult, ADULT_QIS) == 1


# --- risk_profile on hand tables -------------------------------------------------------------


def sized(*sizes: int) -> pl.DataFrame:
    """One QI column `g` with classes of the given sizes."""
    return pl.DataFrame({"g": [i for i, s in enumerate(sizes) for _ in range(s)]})


def test_hand_profile() -> None:
    p = risk_profile(sized(1, 2, 5, 12), ["g"])
    assert p.records == 20
    assert p.classes == 4
    assert p.min_class_size == 1
    assert p.avg_class_size == 5.0
    assert p.prosecutor_max_risk == 1.0
    assert p.prosecutor_avg_risk == pytest.approx(0.2)
    assert p.marketer_risk == pytest.approx(0.2)
    assert p.journalist_max_risk == 1.0
    assert p.sample_uniques == pytest.approx(1 / 20)
    # 1/1 and 1/2 exceed 0.2; 1/5 = 0.2 does not
    assert p.records_at_risk == pytest.approx(3 / 20)
    assert risk_profile(sized(1, 2, 5, 12), ["g"], threshold=0.1).records_at_risk == 8 / 20


def test_average_risk_is_mean_of_record_risks() -> None:
    frame = sized(3, 3, 3, 4, 7)
    per_record = [1 / s for s in (3, 3, 3, 4, 7) for _ in range(s)]
    p = risk_profile(frame, ["g"])
    assert p.prosecutor_avg_risk == pytest.approx(sum(per_record) / len(per_record))


def test_nulls_form_their_own_class() -> None:
    frame = pl.DataFrame({"a": [None, None, 1, 1], "b": ["x", "x", None, None]})
    p = risk_profile(frame, ["a", "b"])
    assert (p.classes, p.min_class_size) == (2, 2)


def test_no_quasi_identifiers_is_one_class() -> None:
    p = risk_profile(sized(2, 3), [])
    assert (p.classes, p.prosecutor_max_risk) == (1, 0.2)


def test_population_gives_journalist_and_marketer() -> None:
    sample = pl.DataFrame({"g": ["a", "a", "b"]})
    population = pl.DataFrame({"g": ["a"] * 4 + ["b"] * 10 + ["c"]})
    p = risk_profile(sample, ["g"], population=population)
    assert p.prosecutor_max_risk == 1.0
    # class "c" (size 1) is not in the sample, so it does not count
    assert p.journalist_max_risk == 0.25
    assert p.marketer_risk == pytest.approx((2 / 4 + 1 / 10) / 3)


def test_population_without_quasi_identifiers() -> None:
    p = risk_profile(sized(2), [], population=sized(8))
    assert (p.journalist_max_risk, p.marketer_risk) == (0.125, 0.125)


def test_population_must_cover_the_sample() -> None:
    with pytest.raises(TransformError, match="population"):
        risk_profile(sized(2, 1), ["g"], population=sized(5))
    with pytest.raises(TransformError, match="population"):
        risk_profile(sized(3), ["g"], population=sized(2))


def test_bad_inputs() -> None:
    with pytest.raises(TransformError, match="empty"):
        risk_profile(pl.DataFrame({"g": []}), ["g"])
    with pytest.raises(TransformError, match="quasi-identifier"):
        risk_profile(sized(2), ["nope"])
    with pytest.raises(TransformError, match="threshold"):
        risk_profile(sized(2), ["g"], threshold=1.5)


def test_profile_is_frozen() -> None:
    p = risk_profile(sized(2), ["g"])
    with pytest.raises(AttributeError):
        p.records = 3  # type: ignore[misc]


def test_thresholds_follow_domain_reading() -> None:
    assert RISK_THRESHOLDS == {"public": 0.05, "controlled": 0.2, "enclave": 1 / 3}


@pytest.mark.parametrize(
    ("environment", "k_ok", "k_too_small"),
    [("public", 20, 19), ("controlled", 5, 4), ("enclave", 3, 2)],
)
def test_meets_environment_at_the_boundary(environment: str, k_ok: int, k_too_small: int) -> None:
    assert meets_environment(risk_profile(sized(k_ok, 40), ["g"]), environment)
    assert not meets_environment(risk_profile(sized(k_too_small, 40), ["g"]), environment)


def test_unknown_environment() -> None:
    with pytest.raises(TransformError, match="enclave"):
        meets_environment(risk_profile(sized(2), ["g"]), "intranet")


# --- privacy_check on hand tables ------------------------------------------------------------

HAND = pl.DataFrame(
    {
        "a": [1, 1, 1, 2, 2, 2, 2],
        "s": ["p", "q", "p", "p", "q", "r", "r"],
        "n": [1, 2, 1, 3, 1, 2, 3],
    }
)


def test_hand_k_and_l() -> None:
    assert measure_k(HAND, ["a"]) == 3
    assert measure_k(HAND, []) == 7
    assert measure_distinct_l(HAND, ["a"], "s") == 2
    assert measure_distinct_l(HAND, [], "s") == 3


def test_hand_entropy_l() -> None:
    # class 1 has shares 2/3, 1/3: exp(H) = 1 / ((2/3)^(2/3) (1/3)^(1/3))
    expected = 1 / ((2 / 3) ** (2 / 3) * (1 / 3) ** (1 / 3))
    assert measure_entropy_l(HAND, ["a"], "s") == pytest.approx(expected)
    uniform = pl.DataFrame({"a": [0] * 6, "s": list("xyzxyz")})
    assert measure_entropy_l(uniform, ["a"], "s") == pytest.approx(3.0)


def test_hand_recursive_cl() -> None:
    # class 1: counts (2, 1) -> 2 / 1; class 2: counts (2, 1, 1) -> 2 / (1 + 1)
    assert measure_recursive_cl(HAND, ["a"], "s", 2) == 2.0
    assert measure_recursive_cl(HAND, ["a"], "s", 3) == math.inf
    # l = 1: r1 < c (r1 + ... + rm) holds for every c > r1 / n
    assert measure_recursive_cl(HAND, ["a"], "s", 1) == pytest.approx(2 / 3)
    with pytest.raises(TransformError):
        measure_recursive_cl(HAND, ["a"], "s", 0)


def test_hand_t_closeness_equal_distance() -> None:
    # table p = (3, 2, 2) / 7; class 1 q = (2, 1, 0) / 3; class 2 q = (1, 1, 2) / 4
    assert measure_t_closeness(HAND, ["a"], "s", ordered=False) == pytest.approx(6 / 21)


def test_hand_t_closeness_ordered() -> None:
    # values 1, 2, 3; table p = (3, 2, 2) / 7
    # class 1 q = (2, 1, 0) / 3: cumulative differences 5/21, 6/21, 0 -> (11/21) / 2
    # class 2 q = (1, 1, 2) / 4: cumulative differences -5/28, -6/28, 0 -> (11/28) / 2
    assert measure_t_closeness(HAND, ["a"], "n", ordered=True) == pytest.approx(11 / 42)


def test_t_closeness_edge_cases() -> None:
    single = pl.DataFrame({"a": [1, 2], "s": [5, 5]})
    assert measure_t_closeness(single, ["a"], "s", ordered=True) == 0.0
    assert measure_t_closeness(single, ["a"], "s", ordered=False) == 0.0
    assert measure_t_closeness(HAND, [], "n", ordered=True) == pytest.approx(0.0)
    with pytest.raises(TransformError, match="null"):
        measure_t_closeness(pl.DataFrame({"a": [1], "s": [None]}), ["a"], "s", ordered=True)


def test_ordered_t_uses_enum_order() -> None:
    levels = pl.Enum(["low", "mid", "high"])
    frame = pl.DataFrame(
        {"a": [1, 1, 2, 2], "s": pl.Series(["low", "low", "mid", "high"], dtype=levels)}
    )
    # order low < mid < high: p = (1/2, 1/4, 1/4); class 1 q = (1, 0, 0)
    # cumulative differences 1/2, 1/4, 0 -> (3/4) / 2
    assert measure_t_closeness(frame, ["a"], "s", ordered=True) == pytest.approx(3 / 8)


def test_measures_refuse_bad_inputs() -> None:
    with pytest.raises(TransformError, match="empty"):
        measure_k(HAND.clear(), ["a"])
    with pytest.raises(TransformError, match="columns"):
        measure_distinct_l(HAND, ["a"], "nope")
    with pytest.raises(TransformError, match="both"):
        measure_entropy_l(HAND, ["a"], "a")


# --- privacy_check against a plain-Python reference on random tables ------------------------


def classes_of(rows: list[tuple], sensitive: int) -> dict[tuple, list]:
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        groups[row[:2]].append(row[sensitive])
    return groups


def ref_t(rows: list[tuple], sensitive: int, ordered: bool) -> float:
    table = Counter(r[sensitive] for r in rows)
    values = sorted(table) if ordered else list(table)
    p = [table[v] / len(rows) for v in values]
    worst = 0.0
    for members in classes_of(rows, sensitive).values():
        counts = Counter(members)
        diff = [counts[v] / len(members) - pv for v, pv in zip(values, p, strict=True)]
        if ordered:
            if len(values) == 1:
                continue
            cumulative, total = 0.0, 0.0
            for d in diff:
                cumulative += d
                total += abs(cumulative)
            worst = max(worst, total / (len(values) - 1))
        else:
            worst = max(worst, sum(abs(d) for d in diff) / 2)
    return worst


def ref_cl(rows: list[tuple], l: int) -> float:  # noqa: E741
    worst = 0.0
    for members in classes_of(rows, 2).values():
        r = sorted(Counter(members).values(), reverse=True)
        tail = sum(r[l - 1 :])
        worst = max(worst, math.inf if tail == 0 else r[0] / tail)
    return worst


ROWS = st.lists(
    st.tuples(
        st.sampled_from([0, 1, None]),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["flu", "hiv", "cold", None]),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=30,
)


def to_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"a": pl.Int64, "b": pl.String, "s": pl.String, "n": pl.Int64}, orient="row"
    )


@settings(derandomize=True, max_examples=40, deadline=None)
@given(ROWS, st.integers(1, 3))
def test_measures_match_python_reference(rows: list[tuple], l: int) -> None:  # noqa: E741
    frame = to_frame(rows)
    qis = ["a", "b"]
    groups = classes_of(rows, 2)
    assert measure_k(frame, qis) == min(len(m) for m in groups.values())
    assert measure_distinct_l(frame, qis, "s") == min(len(set(m)) for m in groups.values())
    entropies = []
    for members in groups.values():
        shares = [c / len(members) for c in Counter(members).values()]
        entropies.append(-sum(s * math.log(s) for s in shares))
    assert measure_entropy_l(frame, qis, "s") == pytest.approx(math.exp(min(entropies)))
    assert measure_recursive_cl(frame, qis, "s", l) == pytest.approx(ref_cl(rows, l))
    assert measure_t_closeness(frame, qis, "s", ordered=False) == pytest.approx(
        ref_t(rows, 2, False)
    )
    assert measure_t_closeness(frame, qis, "n", ordered=True) == pytest.approx(ref_t(rows, 3, True))
    assert measure_t_closeness(frame, qis, "n", ordered=False) == pytest.approx(
        ref_t(rows, 3, False)
    )
