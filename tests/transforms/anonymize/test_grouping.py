"""The compiled grouping must partition exactly as a sort does, and a roll-up must give the same
classes as grouping the node from scratch."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.anonymize.test_search_property import tables
from transforms.anonymize.encode import classes_of, encode, roll_up
from transforms.anonymize.grouping import group_rows
from transforms.anonymize.search import Lattice

keys_lists = st.lists(st.integers(0, 2**62 - 1) | st.integers(0, 5), max_size=300)


@settings(max_examples=200, deadline=None)
@given(keys_lists, st.randoms(use_true_random=False))
def test_groups_match_a_sort(keys: list[int], random) -> None:
    keys_array = np.array(keys, dtype=np.int64)
    counts = np.array([random.randint(1, 9) for _ in keys], dtype=np.int64)
    rows = np.arange(100, 100 + len(keys), dtype=np.int64)
    inverse, sizes, unique, picked = group_rows(keys_array, counts, rows)

    expected = Counter()
    for key, count in zip(keys, counts.tolist(), strict=True):
        expected[key] += count
    assert dict(zip(unique.tolist(), sizes.tolist(), strict=True)) == expected
    assert unique.tolist() == list(dict.fromkeys(keys))  # first-appearance order
    assert (unique[inverse] == keys_array).all()
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    assert picked.tolist() == [100 + first[key] for key in unique.tolist()]


def test_no_inverse_when_not_asked() -> None:
    inverse, sizes, _, _ = group_rows(np.array([4, 4, 1]), np.array([1, 1, 1]), inverse=False)
    assert inverse is None
    assert sizes.tolist() == [2, 1]


def _by_value(data, node, classes) -> Counter:
    """Class sizes keyed by the generalised values of each class's representative; fails if
    two classes share their values (a class split in two)."""
    values = [
        tuple(
            int(data.encoded[j].lookup[lv][code])
            for j, (lv, code) in enumerate(zip(node, row, strict=True))
        )
        for row in classes.members.tolist()
    ]
    assert len(set(values)) == len(values)
    return Counter(dict(zip(values, classes.sizes.tolist(), strict=True)))


@settings(max_examples=80, deadline=None)
@given(tables())
def test_roll_up_equals_grouping_from_scratch(table) -> None:
    frame, hs = table
    data = encode(frame, hs)
    lattice = Lattice(data.heights)
    for node in lattice.nodes:
        scratch = _by_value(data, node, classes_of(data, node))
        assert sum(scratch.values()) == data.rows
        for pred in lattice.predecessors(node):
            column = next(j for j, (a, b) in enumerate(zip(pred, node, strict=True)) if a != b)
            rolled = roll_up(data, classes_of(data, pred), node, column)
            assert _by_value(data, node, rolled) == scratch


def test_wide_tables_group_through_the_hash_table() -> None:
    """Key spaces far larger than the rows skip the dense count: the hash path must agree."""
    import polars as pl

    from transforms.anonymize.builders import interval_hierarchy

    rng = np.random.default_rng(3)
    frame = pl.DataFrame({f"q{j}": rng.integers(0, 200, 500).astype(str) for j in range(3)})
    hs = {c: interval_hierarchy(c, frame[c].unique().to_list(), [10, 50]) for c in frame.columns}
    data = encode(frame, hs)
    lattice = Lattice(data.heights)
    for node in lattice.nodes:
        classes = classes_of(data, node)
        expected = (
            frame.with_columns(
                pl.col(c).replace_strict(hs[c].levels[lv]) for c, lv in zip(hs, node, strict=True)
            )
            .group_by(frame.columns)
            .len()
        )
        assert sorted(classes.sizes.tolist()) == sorted(expected["len"].to_list())
        for pred in lattice.predecessors(node):
            column = next(j for j, (a, b) in enumerate(zip(pred, node, strict=True)) if a != b)
            rolled = roll_up(data, classes_of(data, pred), node, column)
            assert _by_value(data, node, rolled) == _by_value(data, node, classes)
