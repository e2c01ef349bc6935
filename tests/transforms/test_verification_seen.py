"""The window lookups enumeration control runs on every batch, against Python sets: which
claims and values are new, and how many different values each slot has."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.verification.seen import new_claims, new_values

# few distinct keys, so batches repeat and meet the window; 0 and the top value included
keys = st.lists(st.sampled_from([0, 1, 2, 3, 7, 2**63, 2**64 - 1, 12345678901234567]))


def arrays(*lists: list[int]) -> list[np.ndarray]:
    return [np.array(v, dtype=np.uint64) for v in lists]


@settings(max_examples=300, deadline=None)
@given(batch=keys, window=keys)
def test_new_claims_are_first_in_the_batch_and_absent_from_the_window(batch, window) -> None:
    window = list(dict.fromkeys(window))  # the window holds each key once
    met: set[int] = set()
    expected = []
    for key in batch:
        expected.append(key not in met and key not in window)
        met.add(key)
    assert new_claims(*arrays(batch, window)).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(named=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 9))), held=st.sets(
    st.tuples(st.integers(0, 6), st.integers(0, 9))))  # fmt: skip
def test_values_new_to_the_window_and_counted_per_slot(named, held) -> None:
    def pair(slot: int, value: int) -> int:
        return slot * 100 + value + 1  # a pair belongs to one slot

    slots, pairs = [s for s, _ in named], [pair(s, v) for s, v in named]
    window = sorted(held)
    wslots, wpairs = [s for s, _ in window], [pair(s, v) for s, v in window]
    unseen, counts = new_values(*arrays(slots, pairs, wslots, wpairs))
    assert unseen.tolist() == [p not in wpairs for p in pairs]
    every = {(s, p) for s, p in zip(slots + wslots, pairs + wpairs, strict=True)}
    assert counts.tolist() == [sum(1 for t, _ in every if t == s) for s in slots]


def test_large_batches_grow_the_tables() -> None:
    rng = np.random.default_rng(3)
    window = rng.integers(0, 2**63, 50_000, dtype=np.uint64)
    batch = np.concatenate([window[:20_000], rng.integers(0, 2**63, 30_000, dtype=np.uint64)])
    assert new_claims(batch, window).sum() == 30_000
    slots = np.repeat(rng.integers(0, 2**63, 1_000, dtype=np.uint64), 50)
    pairs = rng.integers(0, 2**63, slots.size, dtype=np.uint64)
    unseen, counts = new_values(slots[:25_000], pairs[:25_000], slots[25_000:], pairs[25_000:])
    assert unseen.all() and (counts == 50).all()
