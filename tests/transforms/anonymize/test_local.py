"""Local recoding keeps k-anonymity on the written rows (checked by pyCANON), never suppresses
more, and never loses more (DM) than the full-domain node it starts from."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ADULT_QIS
from transforms.anonymize.diversity import DistinctLDiversity
from transforms.anonymize.encode import classes_of, encode
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.local import LocalRecoding, recode_locally
from transforms.anonymize.metrics import Discernibility
from transforms.anonymize.models import KAnonymity, judge, max_suppressed
from transforms.anonymize.search import optimal_node

pycanon = pytest.importorskip("pycanon")
pytest.importorskip("pandas")
from pycanon import anonymity  # noqa: E402

# Full-domain DM optimum on Adult (ARX 3.9.2's nodes, which test_arx_reference.py and the
# search agree on): k, suppression, levels in ADULT_QIS order.
ADULT_OPTIMA = [
    (2, 0.0, (1, 1, 1, 1, 3, 2, 2, 1)),
    (2, 0.05, (0, 0, 1, 2, 3, 2, 2, 1)),
    (5, 0.0, (1, 1, 1, 2, 3, 2, 2, 1)),
    (5, 0.05, (0, 0, 1, 2, 3, 2, 2, 1)),
    (10, 0.0, (1, 1, 1, 1, 3, 2, 2, 2)),
    (10, 0.05, (0, 1, 1, 2, 3, 2, 2, 1)),
]


def oracle_k(frame: pl.DataFrame, qis: list[str]) -> int:
    """pyCANON's k on the published rows (a fresh RangeIndex, as it indexes with iloc)."""
    table = frame.select(qis).to_pandas().reset_index(drop=True)
    return int(anonymity.k_anonymity(table, qis))


def measured_dm(out: LocalRecoding, qis: list[str], rows: int) -> int:
    """DM straight from the written rows: classes are the groups of identical QI strings."""
    sizes = out.frame.group_by(qis).len()["len"]
    return int((sizes.cast(pl.Int64) ** 2).sum()) + out.suppressed * rows


def check_release(
    frame: pl.DataFrame, hs: dict[str, Hierarchy], out: LocalRecoding, k: int, limit: int
) -> None:
    qis = list(hs)
    assert out.frame.height + out.suppressed == frame.height
    assert out.suppressed <= limit
    assert out.dm == measured_dm(out, qis, frame.height)
    if out.frame.height:
        assert oracle_k(out.frame, qis) >= k
        assert out.frame.group_by(qis).len().height == out.classes
        assert out.min_class >= k
    assert sum(out.levels_used[qis[0]].values()) == out.frame.height


@pytest.mark.parametrize(("k", "fraction", "node"), ADULT_OPTIMA)
def test_adult_beats_full_domain(adult, adult_encoded, k, fraction, node):
    frame, hs = adult
    limit = max_suppressed(fraction, frame.height)
    classes = classes_of(adult_encoded, node)
    verdict = judge([KAnonymity(k)], classes, limit)
    full_dm = Discernibility()(adult_encoded, node, classes, verdict.suppressed_classes)
    start = dict(zip(ADULT_QIS, node, strict=True))
    indexed = frame.with_row_index("_row")
    out = recode_locally(indexed, hs, k, start, limit)
    check_release(indexed, hs, out, k, limit)
    assert out.suppressed <= verdict.suppressed
    assert out.dm < full_dm
    if k == 5:
        assert out.dm < full_dm / 10
    others = [c for c in indexed.columns if c not in hs]
    kept = indexed.join(out.frame.select("_row"), on="_row", how="semi")
    assert out.frame.select(others).equals(kept.select(others))
    assert out.frame["_row"].is_sorted()


def test_non_qi_columns_and_order_survive_suppression():
    """Rows dropped for suppression leave the other rows, in order, with their other columns."""
    sex = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
    frame = pl.DataFrame({"sex": ["M", "F", "M", "M", "F"], "id": [1, 2, 3, 4, 5]})
    out = recode_locally(frame, {"sex": sex}, 3, {"sex": 0}, 2, recover=False)
    assert out.frame.to_dict(as_series=False) == {"sex": ["M", "M", "M"], "id": [1, 3, 4]}
    assert (out.suppressed, out.dm) == (2, 9 + 2 * 5)


def test_search_optimum_as_start(adult, adult_encoded):
    frame, hs = adult
    full = optimal_node(adult_encoded, [KAnonymity(5)], 0, Discernibility())
    out = recode_locally(frame, hs, 5, full.levels, 0)
    assert out.dm < full.value
    assert out.levels_used["age"].keys() <= set(range(5))
    assert min(out.levels_used["age"]) < full.levels["age"]


def test_strict_splits_and_no_recovery(adult):
    frame, hs = adult
    k, node = 5, (0, 0, 1, 2, 3, 2, 2, 1)
    limit = max_suppressed(0.05, frame.height)
    start = dict(zip(ADULT_QIS, node, strict=True))
    loose = recode_locally(frame, hs, k, start, limit)
    strict = recode_locally(frame, hs, k, start, limit, remainder=False, recover=False)
    check_release(frame, hs, strict, k, limit)
    assert strict.suppressed == 105
    assert loose.suppressed == 0
    assert loose.dm < strict.dm


def test_published_values_come_from_the_rows_hierarchy(adult):
    """Each published QI string is the row's own value at one of its hierarchy's levels."""
    frame, hs = adult
    source = frame.head(2000).with_row_index("_row")
    top = {qi: h.height for qi, h in hs.items()}
    out = recode_locally(source, hs, 3, top, 0)
    kept = source.join(out.frame.select("_row"), on="_row", how="semi")
    for qi in ADULT_QIS:
        shown = {(lv[v], v) for lv in hs[qi].levels for v in lv}
        pairs = zip(out.frame[qi].to_list(), kept[qi].to_list(), strict=True)
        assert all(pair in shown for pair in pairs)


def test_group_named_after_a_member_is_one_class():
    """A piece reading like its class (group "a" holds a) stays with the rest of the class:
    published apart they would be one class anyway."""
    x = Hierarchy("x", [{v: v for v in "abc"}, dict.fromkeys("abc", "a")])
    frame = pl.DataFrame({"x": list("aaabc")})
    out = recode_locally(frame, {"x": x}, 2, {"x": 1}, 0)
    assert out.frame["x"].to_list() == list("aaaaa")
    assert (out.classes, out.dm) == (1, 25)


def test_merge_across_branches_never_costs_more_than_the_start():
    """Recovered rows c, d at the top read "ab" like the published class of a, a, b; merged,
    DM would exceed the start's, so the start's suppression is kept."""
    x = Hierarchy("x", [{v: v for v in "abcd"}, {"a": "ab", "b": "ab", "c": "c", "d": "d"},
                        dict.fromkeys("abcd", "ab")])  # fmt: skip
    frame = pl.DataFrame({"x": list("aabcd"), "id": [1, 2, 3, 4, 5]})
    out = recode_locally(frame, {"x": x}, 2, {"x": 1}, 2)
    assert out.frame.to_dict(as_series=False) == {"x": ["ab"] * 3, "id": [1, 2, 3]}
    assert (out.suppressed, out.dm) == (2, 9 + 2 * 5)


def test_recovered_rows_form_a_class_at_the_top():
    sex = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
    age = Hierarchy("age", [{a: a for a in "1234"}, dict.fromkeys("1234", "*")])
    frame = pl.DataFrame({"sex": list("MMMMFF"), "age": list("111123")})
    out = recode_locally(frame, {"sex": sex, "age": age}, 2, {"sex": 0, "age": 0}, 2)
    assert out.frame.rows() == [("M", "1")] * 4 + [("F", "*")] * 2
    assert (out.suppressed, out.dm) == (0, 16 + 4)
    assert out.levels_used == {"sex": {0: 6}, "age": {0: 4, 1: 2}}


# --- small random tables -------------------------------------------------------------------


@st.composite
def hierarchies(draw, column: str) -> Hierarchy:
    """Random hierarchy whose groups are often named after a member, so the same string can
    appear at two levels (as in ARX's files), and sometimes not nested."""
    values = [f"{column}{i}" for i in range(draw(st.integers(1, 5)))]
    levels = [{v: v for v in values}]
    nested = draw(st.booleans())
    for depth in range(1, draw(st.integers(1, 3)) + 1):
        base = levels[-1] if nested else levels[0]
        labels = sorted(set(base.values()))
        group = {lab: draw(st.integers(0, max(len(labels) - 2, 0))) for lab in labels}
        named = {}
        for lab in labels:
            if draw(st.booleans()):
                named.setdefault(group[lab], lab)
            named.setdefault(group[lab], f"g{depth}.{group[lab]}")
        levels.append({v: named[group[base[v]]] for v in values})
    return Hierarchy(column, levels)


@st.composite
def tables(draw):
    columns = ["a", "b", "c"]
    hs = {c: draw(hierarchies(c)) for c in columns}
    rows = draw(st.integers(5, 60))
    data = {c: [draw(st.sampled_from(hs[c].values)) for _ in range(rows)] for c in columns}
    data["payload"] = list(range(rows))
    return pl.DataFrame(data), hs


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    tables(),
    st.integers(2, 4),
    st.sampled_from([0.0, 0.1, 0.3]),
    st.booleans(),
    st.booleans(),
)
def test_random_tables(table, k, fraction, remainder, recover):
    frame, hs = table
    limit = max_suppressed(fraction, frame.height)
    data = encode(frame, hs)
    try:
        full = optimal_node(data, [KAnonymity(k)], limit, Discernibility())
    except AnonymizationError:
        return
    out = recode_locally(frame, hs, k, full.levels, limit, remainder=remainder, recover=recover)
    check_release(frame, hs, out, k, limit)
    assert out.suppressed <= full.suppressed
    assert out.dm <= full.value
    published = frame.join(out.frame.select("payload"), on="payload", how="semi")
    assert out.frame["payload"].to_list() == published["payload"].to_list()


# --- bad input -------------------------------------------------------------------------------

SEX = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
FRAME = pl.DataFrame({"sex": ["M", "F", "F", "M"], "n": [1, 2, 3, 4]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k must be an integer of at least 1, got 0"),
        ({"k": DistinctLDiversity("n", 2)}, "k-anonymity only.*l-diversity and t-closeness"),
        ({"hierarchies": {"zip": SEX}, "start": {"zip": 0}}, "'zip' is not a column"),
        ({"start": {"sex": 2}}, r"start level for 'sex' must be within 0\.\.1, got 2"),
        ({"start": {}}, "start level for 'sex' is missing"),
        ({"start": {"sex": 0, "age": 1}}, "start level given for 'age', which has no hier"),
        ({"limit": -1}, "suppression limit must be a row count >= 0"),
        ({"k": 3, "start": {"sex": 0}, "limit": 1}, "suppress 4 rows with k=3, more than"),
        ({"frame": FRAME.head(0)}, "no rows"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"frame": FRAME, "hierarchies": {"sex": SEX}, "k": 2, "start": {"sex": 1}, "limit": 0}
    with pytest.raises(AnonymizationError, match=message):
        recode_locally(**(args | kwargs))


def test_k_anonymity_model_is_accepted():
    out = recode_locally(FRAME, {"sex": SEX}, KAnonymity(2), {"sex": 1}, 0)
    assert out.frame["sex"].to_list() == ["M", "F", "F", "M"]
    assert out.levels_used == {"sex": {0: 4}}


def test_everything_suppressed_is_an_empty_release():
    out = recode_locally(FRAME, {"sex": SEX}, 5, {"sex": 1}, 4)
    assert (out.frame.height, out.suppressed, out.classes, out.dm) == (0, 4, 0, 16)
    assert out.frame.columns == ["sex", "n"]
