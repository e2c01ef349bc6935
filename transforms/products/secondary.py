"""Secondary suppression (次级抑制): a table that publishes totals must not let a reader work out
a suppressed cell by subtraction. Every total is the sum of the rows one level below it along
one dimension; a suppressed row is given away when the published rows pin its value through
these equations. Cells are suppressed until no suppressed row is determined:

1. while some equation has exactly one suppressed row, suppress the smallest other row in it
   (fewest people, cells before totals);
2. then the exact test: a suppressed row is determined when its unit vector lies in the row
   space of the equations restricted to the suppressed rows (no null-space vector moves it);
   each determined row gets a partner suppressed in one of its equations, and step 1 repeats.

The test is linear: bounds an attacker may add (counts are at least 1 and below the minimum
group size) are not modelled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

_TOLERANCE = 1e-9


def equations(table: pl.DataFrame, dims: Sequence[str], margin: str) -> list[list[int]]:
    """Each total's equation as row numbers: the total first, then the rows it sums (those one
    level below along one totalled dimension, equal on every other dimension).

    >>> t = pl.DataFrame({"a": ["x", "y", None], "margin": [None, None, "a"]})
    >>> equations(t, ["a"], "margin")
    [[2, 0, 1]]
    """
    levels = [frozenset(m.split(",")) if m else frozenset() for m in table[margin].to_list()]
    values = table.select(dims).rows()
    index: dict[tuple, list[int]] = defaultdict(list)
    for row, (level, vals) in enumerate(zip(levels, values, strict=True)):
        for d in dims:
            if d not in level:
                key = (level | {d}, tuple(v for v, n in zip(vals, dims, strict=True) if n != d))
                index[(d, *key)].append(row)
    found = []
    for row, (level, vals) in enumerate(zip(levels, values, strict=True)):
        for d in sorted(level):
            key = (level, tuple(v for v, n in zip(vals, dims, strict=True) if n != d))
            children = index.get((d, *key), [])
            if children:
                found.append([row, *children])
    return found


def determined(suppressed: set[int], system: list[list[int]]) -> set[int]:
    """Suppressed rows whose value the published rows and the equations pin down.

    The equations restricted to the suppressed rows fall apart into blocks that share no
    row; each block's null space is found on its own (a few small decompositions instead of
    one of thousands of rows: the cost grows with the cube of the size)."""
    position = {row: i for i, row in enumerate(sorted(suppressed))}
    restricted = []
    for eq in system:
        coefficients: dict[int, float] = defaultdict(float)
        for j, row in enumerate(eq):
            if row in position:
                coefficients[position[row]] += 1.0 if j == 0 else -1.0
        kept = {i: c for i, c in coefficients.items() if c}
        if kept:
            restricted.append(kept)
    unknowns = sorted(suppressed)
    pinned = set()
    for block, equations in _blocks(len(unknowns), restricted):
        at = {u: k for k, u in enumerate(block)}
        matrix = np.zeros((len(equations), len(block)))
        for r, eq in enumerate(equations):
            for i, c in eq.items():
                matrix[r, at[i]] = c
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > _TOLERANCE * max(matrix.shape) * singular.max()).sum())
        null = vt[rank:]  # rows spanning the null space
        free = np.abs(null).max(axis=0) > 1e-7 if len(null) else np.zeros(len(block), bool)
        pinned |= {unknowns[u] for u, f in zip(block, free, strict=True) if not f}
    return pinned


def _blocks(
    n: int, equations: list[dict[int, float]]
) -> list[tuple[list[int], list[dict[int, float]]]]:
    """The unknowns (0 to n-1) that equations connect, block by block, with their equations;
    an unknown in no equation is in no block (nothing pins it)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for eq in equations:
        first, *rest = eq
        for i in rest:
            a, b = root(first), root(i)
            if a != b:
                parent[b] = a
    found: dict[int, tuple[list[int], list[dict[int, float]]]] = {}
    for eq in equations:
        found.setdefault(root(next(iter(eq))), ([], []))[1].append(eq)
    for i in range(n):
        if (r := root(i)) in found:
            found[r][0].append(i)
    return list(found.values())


def secondary_suppression(
    table: pl.DataFrame,
    dims: Sequence[str],
    *,
    suppressed: str,
    margin: str,
    size: str,
) -> pl.Series:
    """The `suppressed` flags after secondary suppression of a table with totals; `size` (the
    people per row) picks the cheapest row to add, and rows are numbered as in `table`."""
    system = equations(table, dims, margin)
    hidden = set(np.flatnonzero(table[suppressed].to_numpy()).tolist())
    sizes = table[size].to_list()
    depth = [len(m.split(",")) if m else 0 for m in table[margin].to_list()]

    def cheapest(eq: list[int]) -> int | None:
        open_rows = [r for r in eq if r not in hidden]
        return min(open_rows, key=lambda r: (depth[r], sizes[r], r)) if open_rows else None

    while True:
        changed = True
        while changed:
            changed = False
            for eq in system:
                if sum(r in hidden for r in eq) == 1:
                    pick = cheapest(eq)
                    if pick is not None:
                        hidden.add(pick)
                        changed = True
        pinned = determined(hidden, system)
        if not pinned:
            break
        added = False
        for row in sorted(pinned):
            pick = _partner(row, system, hidden, cheapest)
            if pick is not None:
                hidden.add(pick)
                added = True
        if not added:  # only equations among suppressed rows remain: nothing more to hide
            break
    flags = np.zeros(table.height, dtype=bool)
    flags[list(hidden)] = True
    return pl.Series(suppressed, flags)


def showable(
    table: pl.DataFrame, dims: Sequence[str], *, margin: str, hidden: set[int], rows: set[int]
) -> set[int]:
    """Those of `rows` (hidden complements that another release publishes, to be shown) that
    the table can show without a row it keeps hidden following from its own totals: a cell
    another release published before may stand alone beside the others, but this table
    alone must not give it away, so the complements beside such a cell stay hidden.

    >>> t = pl.DataFrame({"a": ["x", "y", "z", None], "margin": [None, None, None, "a"]})
    >>> showable(t, ["a"], margin="margin", hidden={0, 1, 2}, rows={1})
    {1}
    >>> showable(t, ["a"], margin="margin", hidden={0, 1}, rows={1})
    set()
    """
    system = equations(table, dims, margin)
    shown = set(rows)
    while shown:
        pinned = determined(hidden - shown, system)
        beside = {r for eq in system if pinned.intersection(eq) for r in eq} & shown
        if not beside:
            break
        shown -= beside
    return shown


def _partner(
    row: int, system: list[list[int]], hidden: set[int], cheapest: Callable[[list[int]], int | None]
) -> int | None:
    """The cheapest published row in an equation of `row`, or, when all of those are hidden,
    in the nearest equation reached through hidden rows."""
    seen, frontier = {row}, [row]
    while frontier:
        linked = [e for e in system if any(r in e for r in frontier)]
        picks = [p for p in (cheapest(e) for e in linked) if p is not None]
        if picks:
            return min(picks)
        frontier = [r for e in linked for r in e if r not in seen]
        seen.update(frontier)
    return None
