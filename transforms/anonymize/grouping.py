"""Grouping keys into equivalence classes with a compiled hash table.

The search groups the keys of thousands of lattice nodes; a sort per node (numpy's ``unique``)
costs O(n log n) plus a Python round trip per step, a hash table one pass. The kernel is
compiled with numba on first use and cached on disk, so later processes load it in
milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Stands for "no array" in the kernel's arguments (numba wants one type per argument).
_NONE = np.empty(0, dtype=np.int64)


def node_keys(
    columns: np.ndarray,
    tables: np.ndarray,
    node: Sequence[int],
    places: Sequence[int],
    rows: np.ndarray | None = None,
    sizes: Sequence[int] | None = None,
) -> np.ndarray:
    """One key per column of ``columns`` (level-0 codes, one row per QI; or per entry of
    ``rows``, a column number each): the sum over QIs j of ``tables[j, node[j], code] *
    places[j]``, the generalised codes at the node placed as digits; QIs whose ``sizes``
    (values at the node's level) are 1 add nothing and are skipped.

    >>> tables = np.array([[[0, 1, 2], [0, 0, 1]], [[0, 1, 0], [0, 0, 0]]])
    >>> node_keys(np.array([[2, 1], [1, 1]]), tables, (1, 0), (2, 1)).tolist()
    [3, 1]
    """
    active = range(len(node)) if sizes is None else [j for j, n in enumerate(sizes) if n > 1]
    from transforms.anonymize.kernels import _keys

    return _keys(
        _int64(columns),
        _NONE if rows is None else _int64(rows),
        tables,
        np.fromiter(active, dtype=np.int64),
        np.asarray(node, dtype=np.int64),
        np.asarray(places, dtype=np.int64),
    )


def group_rows(
    keys: np.ndarray,
    counts: np.ndarray,
    rows: np.ndarray | None = None,
    inverse: bool = True,
    roll: tuple[int, int, np.ndarray] | None = None,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Group elements with equal keys, numbered in order of first appearance: each element's
    group (when ``inverse``), the summed ``counts`` per group, and each group's key and
    representative (the ``rows`` entry of its first element, or that element's position).

    Keys must be non-negative (-1 marks an empty slot), as packed and radix keys are.

    ``roll = (shift, width, up)`` first moves each key's bit field at ``shift`` (``width``
    bits) from its value d to ``up[d]``: one attribute generalised one level, a roll-up in the
    same pass.

    >>> inverse, sizes, unique, picked = group_rows(
    ...     np.array([7, 3, 7, 5]), np.array([1, 2, 3, 4]), np.array([10, 11, 12, 13]))
    >>> inverse.tolist(), sizes.tolist(), unique.tolist(), picked.tolist()
    ([0, 1, 0, 2], [4, 2, 4], [7, 3, 5], [10, 11, 13])
    >>> _, sizes, unique, _ = group_rows(
    ...     np.array([0b1001, 0b1010]), np.array([1, 1]), roll=(0, 2, np.array([0, 0, 0])))
    >>> sizes.tolist(), unique.tolist()
    ([2], [8])
    """
    from transforms.anonymize.kernels import _group

    shift, width, up = roll if roll is not None else (0, 0, _NONE)
    out = np.empty(len(keys), dtype=np.int64) if inverse else _NONE
    sizes, unique, picked = _group(
        _int64(keys),
        _int64(counts),
        _NONE if rows is None else _int64(rows),
        max((2 * len(keys) - 1).bit_length(), 1),
        shift,
        (1 << width) - 1,
        _int64(up),
        out,
    )
    return (out if inverse else None), sizes, unique, picked


def _int64(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.int64)
