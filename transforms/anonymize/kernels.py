"""The compiled kernels of grouping.py: numba's import and each kernel's cache load cost
a fifth of a second, which only builds that search an anonymisation pay (grouping.py imports
this module on first use)."""

from __future__ import annotations

import numba
import numpy as np

#: Fibonacci hashing multiplier (2^64 / golden ratio, as a signed int64).
_MULTIPLIER = np.int64(-7046029254386353131)


@numba.njit(cache=True, nogil=True)
def _group(keys, counts, rows, bits, shift, mask, up, inverse):  # pragma: no cover
    n = len(keys)
    slots = (1 << bits) - 1
    spread = 64 - bits
    table_key = np.full(1 << bits, -1, dtype=np.int64)
    table_group = np.empty(1 << bits, dtype=np.int32)
    unique = np.empty(n, dtype=np.int64)
    picked = np.empty(n, dtype=np.int64)
    sizes = np.empty(n, dtype=np.int64)
    rolled = len(up) > 0
    indexed = len(rows) > 0
    inverted = len(inverse) > 0
    groups = 0
    for i in range(n):
        key = keys[i]
        if rolled:
            digit = (key >> shift) & mask
            key += (up[digit] - digit) << shift
        slot = ((key * _MULTIPLIER) >> spread) & slots
        while True:
            found = table_key[slot]
            if found < 0:
                group = groups
                table_key[slot] = key
                table_group[slot] = group
                unique[group] = key
                picked[group] = rows[i] if indexed else i
                sizes[group] = counts[i]
                groups += 1
                break
            if found == key:
                group = table_group[slot]
                sizes[group] += counts[i]
                break
            slot = (slot + 1) & slots
        if inverted:
            inverse[i] = group
    return sizes[:groups], unique[:groups], picked[:groups]


@numba.njit(cache=True, nogil=True)
def _keys(columns, rows, tables, active, levels, places):  # pragma: no cover
    n = len(rows) if len(rows) else columns.shape[1]
    out = np.zeros(n, dtype=np.int64)
    for j in active:
        table = tables[j, levels[j]]
        place = places[j]
        codes = columns[j]
        if len(rows):
            for i in range(n):
                out[i] += table[codes[rows[i]]] * place
        else:
            for i in range(n):
                out[i] += table[codes[i]] * place
    return out
