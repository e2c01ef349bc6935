"""The interval audit (区间审计): for every hidden cell of a resource's live tables, the range of
values a reader holding all of them can still give it.

The reader knows every published cell, every sum that holds (see transforms.linked.system),
that counts are not negative, that a listed cell is not empty, and (stronger than any real
reader) which hidden cells are below their table's minimum group size, hence at most one less.
For counts each hidden cell's range is the minimum and the maximum of a linear programme over
those facts (scipy's HiGHS), solved per connected block of hidden cells. Sums carry no such
bounds; a hidden sum is checked for being pinned exactly by the equations (its unit vector in
their row space).

A cell is exposed when its range holds one whole number, or when it is below a minimum group
size and its range is narrower than the protection width.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy.optimize import linprog
from scipy.sparse import csr_array

from transforms.linked.system import NULL, Equation, Node, System, systems

_EPS = 1e-6


@dataclass(frozen=True)
class Exposure:
    """A hidden cell a reader pins down, or narrows below its protection width."""

    family: str
    dims: tuple[str, ...]
    key: tuple[str, ...]
    low: float
    high: float
    width: float
    products: tuple[str, ...]
    """Products whose published cells combine to expose it (its own included)."""
    node: int = field(compare=False)

    @property
    def exact(self) -> bool:
        return self.high - self.low < 1

    def describe(self) -> str:
        where = ", ".join(
            f"{d}={'null' if v == NULL else v}" for d, v in zip(self.dims, self.key, strict=True)
        )
        shown = f"{self.low:g}" if self.exact else f"{self.low:g} to {self.high:g}"
        why = "exactly" if self.exact else f"(narrower than {self.width:g})"
        return f"{self.family} at {where or 'all'} is {shown} {why}, from " + ", ".join(
            self.products
        )


@dataclass
class Audit:
    """What the audit found over one resource's live tables."""

    exposures: list[Exposure]
    hidden: int
    programmes: int
    dropped: int
    systems: list[System] = field(repr=False)

    def figures(self) -> dict[str, int]:
        return {
            "hidden_cells": self.hidden,
            "linear_programmes": self.programmes,
            "overlapping_sums": self.dropped,
            "exposed_cells": len(self.exposures),
        }


def interval_audit(cells: pl.DataFrame) -> Audit:
    """Audit a linked-cells frame (every live table of one resource on one basis, and the
    release being judged)."""
    found: list[Exposure] = []
    hidden = programmes = dropped = 0
    built = systems(cells)
    for system in built:
        dropped += system.dropped
        for block, equations in _blocks(system):
            explicit = [n for n in block if system.nodes[n].explicit]
            hidden += len(explicit)
            if system.family.startswith("sum:"):
                found += _pinned(system, block, equations)
            else:
                exposures, solved = _ranges(system, block, equations)
                found += exposures
                programmes += solved
    return Audit(found, hidden, programmes, dropped, built)


def _blocks(system: System) -> list[tuple[list[int], list[Equation]]]:
    """Connected blocks of hidden nodes, joined by the equations they share, with those
    equations; a hidden node in no equation is a block alone."""
    nodes = system.nodes
    parent = {n: n for n, node in enumerate(nodes) if node.hidden}

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    touching = []
    for eq in system.equations:
        unknown = [n for n in (eq.parent, *eq.children) if n in parent]
        if not unknown:
            continue
        touching.append((eq, unknown[0]))
        for other in unknown[1:]:
            a, b = root(unknown[0]), root(other)
            if a != b:
                parent[a] = b
    members: dict[int, list[int]] = defaultdict(list)
    for n in parent:
        members[root(n)].append(n)
    equations: dict[int, list[Equation]] = defaultdict(list)
    for eq, first in touching:
        equations[root(first)].append(eq)
    return [(members[r], equations[r]) for r in members]


def _bounds(node: Node) -> tuple[float, float | None]:
    if not node.explicit:
        return 0.0, None
    low = 1.0 if (node.truth or 0) >= 1 else 0.0
    high = float(node.threshold - 1) if node.primary and node.threshold else None
    return low, high


def _ranges(
    system: System, block: list[int], equations: list[Equation]
) -> tuple[list[Exposure], int]:
    nodes = system.nodes
    position = {n: i for i, n in enumerate(block)}
    bounds = [_bounds(nodes[n]) for n in block]
    if not equations:  # alone: its bounds are its range
        return [
            e for n, b in zip(block, bounds, strict=True) if (e := _judge(system, n, *b, equations))
        ], 0
    rows, cols, vals, rhs = [], [], [], []
    for i, eq in enumerate(equations):
        constant = eq.offset  # parent - sum(children) = -offset
        for j, n in enumerate((eq.parent, *eq.children)):
            sign = 1.0 if j == 0 else -1.0
            if n in position:
                rows.append(i)
                cols.append(position[n])
                vals.append(sign)
            else:
                constant += sign * float(nodes[n].truth or 0.0)
        rhs.append(-constant)
    matrix = csr_array((vals, (rows, cols)), shape=(len(equations), len(block)))
    found, solved = [], 0
    for n in block:
        if not nodes[n].explicit:
            continue
        objective = np.zeros(len(block))
        objective[position[n]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(sign * objective, A_eq=matrix, b_eq=rhs, bounds=bounds, method="highs")
            solved += 1
            if result.status == 3:  # unbounded above
                ends.append(math.inf)
            elif result.status == 0:
                ends.append(sign * float(result.fun))
            else:  # cannot happen for exact values; treat as pinned to be safe
                truth = float(nodes[n].truth or 0.0)
                ends.append(truth)
        if (e := _judge(system, n, ends[0], ends[1], equations)) is not None:
            found.append(e)
    return found, solved


def _judge(
    system: System, n: int, low: float, high: float | None, equations: list[Equation]
) -> Exposure | None:
    node = system.nodes[n]
    if not node.explicit:
        return None
    top = math.inf if high is None else high
    low_i = math.ceil(low - _EPS)
    high_i = top if math.isinf(top) else math.floor(top + _EPS)
    span = high_i - low_i
    narrow = node.primary and span < node.width - _EPS
    if span >= 1 and not narrow:
        return None
    products = sorted({p for eq in equations for p in system.products(eq)} | {
        p for p, _, _ in node.rows})  # fmt: skip
    return Exposure(
        system.family, node.dims, node.key, float(low_i), float(high_i), node.width,
        tuple(products), n,
    )  # fmt: skip


def _pinned(system: System, block: list[int], equations: list[Equation]) -> list[Exposure]:
    """Hidden sums the equations pin to one value (no bounds: sums may be any number)."""
    if not equations:
        return []
    nodes = system.nodes
    position = {n: i for i, n in enumerate(block)}
    matrix = np.zeros((len(equations), len(block)))
    for i, eq in enumerate(equations):
        for j, n in enumerate((eq.parent, *eq.children)):
            if n in position:
                matrix[i, position[n]] += 1.0 if j == 0 else -1.0
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    tolerance = 1e-9 * max(matrix.shape) * (singular.max() if singular.size else 0.0)
    rank = int((singular > tolerance).sum())
    null = vt[rank:]
    free = np.abs(null).max(axis=0) > 1e-7 if len(null) else np.zeros(len(block), bool)
    found = []
    for n in block:
        if nodes[n].explicit and not free[position[n]]:
            value = float(nodes[n].truth or 0.0)
            exposure = _judge(system, n, value, value, equations)
            if exposure is not None:
                found.append(exposure)
    return found
