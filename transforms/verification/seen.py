"""What the window already holds of a batch, found by hashing its 64-bit keys in open
addressing tables: which claims and values are new to the window, and how many different
values each identifier-and-field slot has with the batch's. Enumeration control asks this of
every batch, so it is linear in the batch and the window and runs in one compiled pass
(numba, compiled on first use and cached on disk) rather than in several hash joins and
group-bys. Most of the window is about other identifiers: a bitmap of the batch's keys, small
enough to stay in the processor's cache, turns those away before any table is read.

Keys are mixes of keyed pseudonyms, so nobody without the key can choose keys that collide in
a table; the slots are spread by a 64-bit finaliser all the same. A table marks an empty slot
with 0 and keeps whether it holds the key 0 in its last element."""

from __future__ import annotations

import numba
import numpy as np


def new_claims(batch: np.ndarray, window: np.ndarray) -> np.ndarray:
    """For each claim key of the batch (uint64, in order): whether it is the first of its key
    in the batch and the window (which holds each key once) does not hold it.

    >>> new_claims(np.array([5, 7, 5, 9], np.uint64), np.array([9, 11], np.uint64)).tolist()
    [True, True, False, False]
    """
    return _new_claims(_keys(batch), _keys(window))


def new_values(
    slots: np.ndarray, pairs: np.ndarray, window_slots: np.ndarray, window_pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each value the batch names (its slot and pair, uint64, in order): whether the
    window lacks it, and how many different values its slot has, the window's and the
    batch's together. The window holds each pair once, and a pair belongs to one slot.

    >>> unseen, n = new_values(np.array([1, 1, 2], np.uint64), np.array([10, 11, 20], np.uint64),
    ...                        np.array([1, 3], np.uint64), np.array([10, 30], np.uint64))
    >>> unseen.tolist(), n.tolist()
    ([False, True, True], [2, 2, 1])
    """
    keys = [_keys(a) for a in (slots, pairs, window_slots, window_pairs)]
    return _new_values(*keys)


def _keys(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.uint64)


@numba.njit(cache=True, nogil=True)
def _size(n: int) -> int:
    """A power of two at least twice `n` (tables stay at most half full), and one more
    element for the key 0."""
    size = 16
    while size < 2 * n:
        size *= 2
    return size + 1


@numba.njit(cache=True, nogil=True)
def _mixed(key: np.uint64) -> np.uint64:
    """splitmix64's finaliser: every bit of the key moves every bit of the result."""
    x = key
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@numba.njit(cache=True, nogil=True)
def _place(table: np.ndarray, key: np.uint64) -> tuple[np.int64, bool]:
    """The key's place in the table, and whether it was put there now (absent before)."""
    zero = table.size - 1
    if key == 0:
        added = table[zero] == 0
        table[zero] = 1
        return np.int64(zero), added
    mask = np.uint64(zero - 1)
    at = _mixed(key) & mask
    while table[at] != 0:
        if table[at] == key:
            return np.int64(at), False
        at = (at + np.uint64(1)) & mask
    table[at] = key
    return np.int64(at), True


@numba.njit(cache=True, nogil=True)
def _find(table: np.ndarray, key: np.uint64) -> np.int64:
    """The key's place in the table, or -1."""
    zero = table.size - 1
    if key == 0:
        return np.int64(zero) if table[zero] != 0 else np.int64(-1)
    mask = np.uint64(zero - 1)
    at = _mixed(key) & mask
    while table[at] != 0:
        if table[at] == key:
            return np.int64(at)
        at = (at + np.uint64(1)) & mask
    return np.int64(-1)


@numba.njit(cache=True, nogil=True)
def _bitmap(keys: np.ndarray) -> np.ndarray:
    """A bitmap with a bit set for each key (eight bits per key, at least 2**16)."""
    bits = 1 << 16
    while bits < 8 * keys.size:
        bits *= 2
    out = np.zeros(bits // 64, np.uint64)
    for key in keys:
        _mark(out, key)
    return out


@numba.njit(cache=True, nogil=True)
def _bit(bitmap: np.ndarray, key: np.uint64) -> tuple[np.int64, np.uint64]:
    spot = (_mixed(key) >> np.uint64(32)) & np.uint64(bitmap.size * 64 - 1)
    return np.int64(spot >> np.uint64(6)), np.uint64(1) << (spot & np.uint64(63))


@numba.njit(cache=True, nogil=True)
def _mark(bitmap: np.ndarray, key: np.uint64) -> None:
    word, bit = _bit(bitmap, key)
    bitmap[word] |= bit


@numba.njit(cache=True, nogil=True)
def _may_hold(bitmap: np.ndarray, key: np.uint64) -> bool:
    word, bit = _bit(bitmap, key)
    return (bitmap[word] & bit) != 0


@numba.njit(cache=True, nogil=True)
def _new_claims(batch: np.ndarray, window: np.ndarray) -> np.ndarray:
    table = np.zeros(_size(batch.size), np.uint64)
    held = np.zeros(table.size, np.bool_)
    out = np.zeros(batch.size, np.bool_)
    places = np.empty(batch.size, np.int64)
    for i in range(batch.size):
        places[i], out[i] = _place(table, batch[i])
    bitmap = _bitmap(batch)
    for key in window:
        if _may_hold(bitmap, key):
            at = _find(table, key)
            if at >= 0:
                held[at] = True
    for i in range(batch.size):
        out[i] = out[i] and not held[places[i]]
    return out


@numba.njit(cache=True, nogil=True)
def _new_values(
    slots: np.ndarray, pairs: np.ndarray, window_slots: np.ndarray, window_pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    table = np.zeros(_size(slots.size), np.uint64)
    counts = np.zeros(table.size, np.int64)
    places = np.empty(slots.size, np.int64)
    for i in range(slots.size):
        places[i], _ = _place(table, slots[i])
    # the window's values of the batch's slots: counted, and kept to look the batch's up
    bitmap = _bitmap(slots)
    held = np.zeros(_size(8), np.uint64)
    kept = 0
    for j in range(window_slots.size):
        if not _may_hold(bitmap, window_slots[j]):
            continue
        at = _find(table, window_slots[j])
        if at >= 0:
            counts[at] += 1
            if kept * 2 >= held.size:
                held = _grown(held)
            kept += _place(held, window_pairs[j])[1]
    unseen = np.zeros(slots.size, np.bool_)
    batch = np.zeros(_size(pairs.size), np.uint64)
    for i in range(pairs.size):
        if kept and _find(held, pairs[i]) >= 0:
            continue
        unseen[i] = True
        if _place(batch, pairs[i])[1]:
            counts[places[i]] += 1
    out = np.empty(slots.size, np.int64)
    for i in range(slots.size):
        out[i] = counts[places[i]]
    return unseen, out


@numba.njit(cache=True, nogil=True)
def _grown(table: np.ndarray) -> np.ndarray:
    """The table at twice the size, every key placed again."""
    bigger = np.zeros(_size(table.size - 1), np.uint64)
    for key in table[:-1]:
        if key != 0:
            _place(bigger, key)
    bigger[-1] = table[-1]
    return bigger
