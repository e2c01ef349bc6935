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
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from transforms.linked import solved
from transforms.linked.programme import UNBOUNDED, Programme
from transforms.linked.system import NULL, Equation, Node, System, systems, uncollected

if TYPE_CHECKING:
    from scipy.sparse import csr_array

_EPS = 1e-6
#: Blocks with at least this many hidden cells first look for two feasible tables that
#: spread every cell as wide as it needs, in one programme.
_PAIR_FROM = 2
#: Pairs of tables a block looks for (all cells up, then all down; later ones mix the
#: directions). The cells these leave are mostly the exposed ones, which no pair certifies:
#: asking each its own programmes, on two threads, costs less than more pairs.
_PAIRS = 2


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

    def figures(self) -> dict[str, int]:
        return {
            "hidden_cells": self.hidden,
            "linear_programmes": self.programmes,
            "overlapping_sums": self.dropped,
            "exposed_cells": len(self.exposures),
        }


def interval_audit(cells: pl.DataFrame, *, strict: bool = False) -> Audit:
    """Audit a linked-cells frame (every live table of one resource on one basis, and the
    release being judged). `strict` audits every family of sums on its own (see
    `newly_exposed`)."""
    with uncollected():
        return audit_systems(systems(cells, alike=not strict), strict=strict)


def newly_exposed(found: list[Exposure], before: list[Exposure]) -> list[Exposure]:
    """Exposures a release adds to those the live tables had before it: cells not exposed
    then, and cells it narrows further (a count the live tables narrowed to 3 to 4 that the
    release pins at 3). Where the live tables expose anything, both audits are to be
    `strict`: the shortcuts that let a count's audit answer for the sums beside it (a sum
    pinned where its count is) would let a count exposed before stand for a sum exposed
    only now."""
    was = {(e.family, e.dims, e.key): (e.low, e.high) for e in before}
    fresh = []
    for e in found:
        low, high = was.get((e.family, e.dims, e.key), (math.inf, -math.inf))
        if e.low > low + _EPS or e.high < high - _EPS or low > high:
            fresh.append(e)
    return fresh


Cache = dict[tuple[str, frozenset[int]], tuple[list[Exposure], int]]
Spread = dict[tuple[str, int], tuple[float, float]]
"""The lowest and highest value each hidden node took in the feasible tables solved so far."""


def audit_systems(
    built: list[System],
    *,
    only_release: bool = False,
    spread: Spread | None = None,
    hidden: dict[str, np.ndarray] | None = None,
    strict: bool = False,
) -> Audit:
    """Audit built systems as their nodes stand now. A block's finding depends only on which
    nodes are hidden in it (a published node shows its one value), so each system keeps what
    its blocks were found to expose: a caller that hides more and audits again, or the gate
    auditing the systems its protection left, does not solve the blocks again that did not
    change. With `only_release`, blocks whose
    equations hold no cell of the release being judged are skipped: what they expose, the
    live tables exposed before it.

    `spread` (kept by a caller that only ever hides more between audits) carries the values
    of the feasible tables solved before: hiding one more node frees a value the reader
    knew, so every table feasible then, with that node at its exact value, is feasible now,
    and a node that spread wide enough then still does; only the others need programmes.

    `hidden` (kept by a caller that changes which nodes are published) holds, per family,
    whether each node is hidden, as it stands. `strict` audits every block of sums, even
    one the counts beside it answer for."""
    found: list[Exposure] = []
    count = programmes = dropped = 0
    people: list[System | None] = []  # looked up at the first block of sums
    for system in built:
        dropped += system.dropped
        cache: Cache = system.memo.setdefault(("found", strict), {})
        mask = hidden.get(system.family) if hidden else None
        for block, equations in _blocks(system, mask, only_release=only_release):
            count += (1 + len(system.alike)) * sum(1 for n in block if system.nodes[n].explicit)
            key = (system.family, frozenset(block))
            if key in cache:
                exposures, _ = cache[key]
                found += exposures
                continue
            if system.family.startswith("sum:"):
                if not people:
                    people.append(_people(built))
                covered = not strict and _covered(system, block, equations, people[0])
                exposures, solved = ([] if covered else _pinned(system, block, equations)), 0
            elif equations:
                exposures, solved = _counted(system, block, equations, spread)
            else:
                exposures, solved = _ranges(system, block, equations, spread)
            programmes += solved
            found += exposures
            cache[key] = (exposures, solved)
    return Audit(found, count, programmes, dropped)


def _counted(
    system: System, block: list[int], equations: list[Equation], spread: Spread | None
) -> tuple[list[Exposure], int]:
    """A block of counts: its finding when a block of the same content was solved before
    (see transforms.linked.solved), else solved now."""
    key = solved.content(system, block, equations)
    finding = solved.recall(key)
    if finding is None:
        exposures, programmes = _ranges(system, block, equations, spread)
        solved.remember(key, [(e.dims, e.key, e.low, e.high, e.width) for e in exposures])
        return exposures, programmes
    if not finding:
        return [], 0
    index, read = system.memo["index"], {p for eq in equations for p in system.products(eq)}
    exposures = []
    for dims, key_, low, high, width in finding:
        n = index[(dims, key_)]
        products = tuple(sorted(read | set(system.nodes[n].products)))
        exposures.append(Exposure(system.family, dims, key_, low, high, width, products, n))
    return exposures, 0


def _people(built: list[System]) -> System | None:
    """The people counts' system, with its equations as tuples of node numbers."""
    for system in built:
        if system.family == "people":
            if "equations" not in system.memo:
                system.memo["equations"] = {(eq.parent, *eq.children) for eq in system.equations}
            return system
    return None


def _counterparts(system: System, people: System) -> list[int | None]:
    """The people count node of each node of `system` (same dimensions and key), once."""
    if "people" not in system.memo:
        index = people.memo["index"]
        system.memo["people"] = [index.get((n.dims, n.key)) for n in system.nodes]
    return system.memo["people"]


def _covered(
    system: System, block: list[int], equations: list[Equation], people: System | None
) -> bool:
    """A block of sums whose equations the people counts also have, every cell in them hidden
    there exactly where it is hidden here: a sum the equations pin would pin the count too
    (pinning is linear and does not depend on the values), and the count's audit looks."""
    if people is None:
        return False
    counterpart, counts = _counterparts(system, people), people.nodes
    shapes = people.memo["equations"]
    inside = set(block)
    for eq in equations:
        members = tuple(counterpart[n] for n in (eq.parent, *eq.children))
        if members not in shapes:
            return False
        for n, at in zip((eq.parent, *eq.children), members, strict=True):
            if counts[at].hidden != (n in inside):  # hidden here exactly where among the counts
                return False
    return True


def _blocks(
    system: System, hidden: np.ndarray | None = None, *, only_release: bool = False
) -> list[tuple[list[int], list[Equation]]]:
    """Connected blocks of hidden nodes, joined by the equations they share, with those
    equations (in the system's order); a hidden node in no equation is a block alone.
    Blocks come in the order of their first node. With `only_release`, only the blocks that
    hold a cell of the release being judged, or an equation with one."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    nodes, equations = system.nodes, system.equations
    members, owner = incidence(system)
    if hidden is None:
        hidden = np.fromiter((node.published is None for node in nodes), bool, len(nodes))
    inside = hidden[members]
    at, eqs = members[inside], owner[inside] + len(nodes)  # equations follow the nodes
    size = len(nodes) + len(equations)
    graph = coo_array((np.ones(len(at), dtype=np.int8), (at, eqs)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    cells = np.flatnonzero(hidden)
    wanted = None
    if only_release:
        release, touched = _release(system)
        held = np.concatenate([labels[cells[release[cells]]], labels[np.unique(eqs)[
            touched[np.unique(eqs) - len(nodes)]]]])  # fmt: skip
        wanted = set(held.tolist())
    blocks: dict[int, tuple[list[int], list[Equation]]] = {}
    for n, label in zip(cells.tolist(), labels[cells].tolist(), strict=True):
        if wanted is None or label in wanted:
            blocks.setdefault(label, ([], []))[0].append(n)
    for i in np.unique(eqs).tolist():
        if wanted is None or labels[i] in wanted:
            blocks[int(labels[i])][1].append(equations[i - len(nodes)])
    return list(blocks.values())


def _release(system: System) -> tuple[np.ndarray, np.ndarray]:
    """Which nodes are cells of the release being judged, and which equations hold one."""
    if "release" not in system.memo:
        members, owner = incidence(system)
        release = np.fromiter((bool(n.candidate_rows) for n in system.nodes), bool,
                              len(system.nodes))  # fmt: skip
        touched = np.zeros(len(system.equations), dtype=bool)
        np.logical_or.at(touched, owner, release[members])
        system.memo["release"] = (release, touched)
    return system.memo["release"]


def incidence(system: System) -> tuple[np.ndarray, np.ndarray]:
    """Every (node, equation) membership of a system as two arrays (node, its equation),
    equation by equation, worked out once per system."""
    if "incidence" not in system.memo:
        sizes = np.fromiter((1 + len(eq.children) for eq in system.equations), np.int64,
                            len(system.equations))  # fmt: skip
        members = np.fromiter(
            (n for eq in system.equations for n in (eq.parent, *eq.children)),
            np.int64, int(sizes.sum()),
        )  # fmt: skip
        owner = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        system.memo["incidence"] = (members, owner)
    return system.memo["incidence"]


def _bounds(node: Node) -> tuple[float, float | None]:
    if not node.explicit:
        return 0.0, None
    low = 1.0 if (node.truth or 0) >= 1 else 0.0
    high = float(node.threshold - 1) if node.primary and node.threshold else None
    return low, high


def _ranges(
    system: System, block: list[int], equations: list[Equation], spread: Spread | None = None
) -> tuple[list[Exposure], int]:
    """Exposed nodes of a block of hidden counts. Every solved programme gives a feasible
    table; a node whose values over the tables found so far already spread as wide as it
    needs is safe without programmes of its own, so most nodes cost none."""
    nodes = system.nodes
    position = {n: i for i, n in enumerate(block)}
    bounds = [_bounds(nodes[n]) for n in block]
    if not equations:  # alone: its bounds are its range
        found = [_judge(system, n, *b, equations) for n, b in zip(block, bounds, strict=True)]
        return [e for e in found if e is not None], 0
    matrix, rhs = _equations(system, equations, position)
    # the exact table is one feasible point the audit gets for free
    truth = np.array([float(nodes[n].truth or 0.0) for n in block])
    low, high = truth.copy(), truth.copy()
    if spread:
        for i, n in enumerate(block):
            seen = spread.get((system.family, n))
            if seen is not None:
                low[i], high[i] = min(low[i], seen[0]), max(high[i], seen[1])

    found, solved = [], 0
    read: set[str] = set()  # the products the block's equations read, gathered once
    needs = np.array(
        [max(nodes[n].width if nodes[n].primary else 0.0, 1.0) if nodes[n].explicit else 0.0
         for n in block]
    )  # fmt: skip
    pinned = peeled(matrix)  # exposed exactly: no programme can widen them
    before = -1
    for turn in range(_PAIRS):  # each turn asks the still uncertified cells the other way
        open_ = np.where((high - low >= needs - _EPS) | pinned, 0.0, needs)
        count = int((open_ > 0).sum())
        if count < _PAIR_FROM or (turn >= 2 and count == before):
            break  # too few left, or the last turn certified none: each cell asks alone
        before = count
        if turn < 2:
            signs = np.full(len(block), 1.0 if turn == 0 else -1.0)
        else:  # cells of one equation pull opposite ways: mix the directions
            signs = np.random.default_rng(turn).choice([-1.0, 1.0], size=len(block))
        _spread(matrix, rhs, bounds, open_, low, high, signs)
        solved += 1
    cells = [
        position[n]
        for n in block
        if nodes[n].explicit
        and not pinned[position[n]]
        and high[position[n]] - low[position[n]] < needs[position[n]] - _EPS
    ]
    programme = (matrix, np.asarray(rhs, dtype=float), bounds)
    unbounded, asked = _ask_cells(programme, cells, needs, low, high)
    solved += asked
    for n in block:
        i = position[n]
        if not nodes[n].explicit or high[i] - low[i] >= needs[i] - _EPS or i in unbounded:
            continue
        exposure = _judge(system, n, low[i], high[i], equations, read)
        if exposure is not None:
            found.append(exposure)
    if spread is not None:
        for i, n in enumerate(block):
            spread[(system.family, n)] = (float(low[i]), float(high[i]))
    return found, solved


def _equations(
    system: System, equations: list[Equation], position: dict[int, int]
) -> tuple[csr_array, list[float]]:
    """A block's equations over its hidden cells (numbered by `position`), the published
    cells in them moved to the right-hand side."""
    nodes = system.nodes
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
    from scipy.sparse import csr_array  # only audits with programmes pay for importing scipy

    return csr_array((vals, (rows, cols)), shape=(len(equations), len(position))), rhs


def exposed(system: System, n: int, hidden: np.ndarray) -> bool:
    """Whether hidden count `n` is exposed with the system's nodes hidden as `hidden` says:
    its block's programme asked for its own two bounds (two programmes, not the block's).
    A caller that expects one cell to be exposed learns so cheaply; no means only that this
    cell is not."""
    block, equations = next((b, e) for b, e in _blocks(system, hidden) if n in b)
    nodes = system.nodes
    position = {m: i for i, m in enumerate(block)}
    bounds = [_bounds(nodes[m]) for m in block]
    if not equations:
        return _judge(system, n, *bounds[position[n]], equations) is not None
    matrix, rhs = _equations(system, equations, position)
    needs = np.array([max(nodes[m].width if nodes[m].primary else 0.0, 1.0) for m in block])
    truth = np.array([float(nodes[m].truth or 0.0) for m in block])
    low, high, i = truth.copy(), truth.copy(), position[n]
    unbounded, _ = _ask((matrix, np.asarray(rhs, dtype=float), bounds), [i], needs, (low, high))
    return i not in unbounded and _judge(system, n, low[i], high[i], equations) is not None


#: Cells of one block that ask their own programmes on two threads from this many on (HiGHS
#: lets go of the interpreter while it solves, so the second core works too).
_THREADS_FROM = 16


def _ask_cells(
    programme: tuple[csr_array, np.ndarray, list[tuple[float, float | None]]],
    cells: list[int],
    needs: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> tuple[set[int], int]:
    """The highest, then the lowest, value of each cell not yet spread as wide as it needs
    (every table found widens `low` and `high` for all cells); cells unbounded above, and
    programmes solved. Many cells are split between two threads, each with its own HiGHS
    and its own tables, merged after: the same cells ask the same programmes run after run."""
    workers = min(2, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else 1
    if workers < 2 or len(cells) < _THREADS_FROM:
        return _ask(programme, cells, needs, (low, high))
    halves = [cells[0::2], cells[1::2]]
    arrays = [(low.copy(), high.copy()) for _ in halves]
    with ThreadPoolExecutor(len(halves)) as pool:
        found = list(pool.map(lambda h, a: _ask(programme, h, needs, a), halves, arrays))
    for own_low, own_high in arrays:
        np.minimum(low, own_low, out=low)
        np.maximum(high, own_high, out=high)
    return set().union(*(u for u, _ in found)), sum(n for _, n in found)


def _ask(
    programme: tuple[csr_array, np.ndarray, list[tuple[float, float | None]]],
    cells: list[int],
    needs: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray],
) -> tuple[set[int], int]:
    """_ask_cells on one thread, with one HiGHS kept from cell to cell; `seen` is the lowest
    and highest value of each cell over the tables found so far."""
    low, high = seen
    kept: list[Programme] = []  # built at the first cell that needs its own programmes
    unbounded, solved = set(), 0
    for i in cells:
        for sign in (-1.0, 1.0):  # the highest value first, then the lowest
            if high[i] - low[i] >= needs[i] - _EPS:
                break
            if not kept:
                matrix, rhs, bounds = programme
                kept.append(Programme(matrix, rhs, rhs, bounds))
            objective = np.zeros(len(needs))
            objective[i] = sign
            status, _, table = kept[0].solve(objective)
            solved += 1
            if table is not None:
                np.minimum(low, table, out=low)
                np.maximum(high, table, out=high)
            if status == UNBOUNDED:
                if sign < 0:
                    unbounded.add(i)
                break
    return unbounded, solved


def peeled(matrix: csr_array) -> np.ndarray:
    """Cells the equations pin one by one: an equation with one hidden cell left gives its
    value, which leaves the others with one fewer (a suppressed cell alone in a row beside its
    published total, then the next). Most cells a reader pins are pinned so; they need no
    programme (their range is their exact value), and a programme finds the rest."""
    rows = matrix.tocsr()
    columns = rows.tocsc()
    left = np.diff(rows.indptr).tolist()  # hidden cells not pinned yet, per equation
    pinned = np.zeros(matrix.shape[1], dtype=bool)
    row_start, row_cells = rows.indptr.tolist(), rows.indices.tolist()
    col_start, col_rows = columns.indptr.tolist(), columns.indices.tolist()
    ready = [r for r, count in enumerate(left) if count == 1]
    while ready:
        r = ready.pop()
        if left[r] != 1:
            continue
        cell = next(c for c in row_cells[row_start[r] : row_start[r + 1]] if not pinned[c])
        pinned[cell] = True
        for other in col_rows[col_start[cell] : col_start[cell + 1]]:
            left[other] -= 1
            if left[other] == 1:
                ready.append(other)
    return pinned


def _spread(
    matrix: csr_array,
    rhs: list[float],
    bounds: list[tuple[float, float | None]],
    needs: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    signs: np.ndarray,
) -> None:
    """Two feasible tables, as far apart as each cell needs: maximise the sum of t_j with
    t_j <= sign_j * (x1_j - x2_j) and t_j <= need_j, both tables meeting every equation. Cells
    that reach their need are certified by these two tables alone; `low` and `high` take
    both. Two cells of one equation pull opposite ways, so a second call with the other sign
    certifies what the first could not."""
    from scipy.sparse import csr_array

    n, k = len(needs), matrix.shape[0]
    wanted = np.flatnonzero(needs > 0)
    m = len(wanted)
    entries = matrix.tocoo()
    gap = np.arange(2 * k, 2 * k + m)
    rows = np.concatenate([entries.row, entries.row + k, gap, gap, gap])
    cols = np.concatenate([entries.col, entries.col + n, wanted, wanted + n, 2 * n + np.arange(m)])
    vals = np.concatenate([entries.data, entries.data, -signs[wanted], signs[wanted], np.ones(m)])
    both = csr_array((vals, (rows, cols)), shape=(2 * k + m, 2 * n + m))
    equal = np.asarray([*rhs, *rhs], dtype=float)
    lower = np.concatenate([equal, np.full(m, -np.inf)])
    upper = np.concatenate([equal, np.zeros(m)])
    caps = [(0.0, float(needs[j])) for j in wanted]
    objective = np.concatenate([np.zeros(2 * n), -np.ones(m)])
    found = Programme(both, lower, upper, [*bounds, *bounds, *caps]).solve(objective)[2]
    if found is not None:
        for table in (found[:n], found[n : 2 * n]):
            np.minimum(low, table, out=low)
            np.maximum(high, table, out=high)


def _judge(
    system: System,
    n: int,
    low: float,
    high: float | None,
    equations: list[Equation],
    read: set[str] | None = None,
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
    if read is None:
        read = set()
    if not read:
        read.update(p for eq in equations for p in system.products(eq))
    products = sorted(read | set(node.products))
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
    found: list[Exposure] = []
    read: set[str] = set()
    for n in block:
        if nodes[n].explicit and not free[position[n]]:
            value = float(nodes[n].truth or 0.0)
            exposure = _judge(system, n, value, value, equations, read)
            if exposure is not None:
                found.append(exposure)
    return found
