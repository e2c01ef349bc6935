"""The cells of every live table of one resource as one linear system (tau-ARGUS linked tables).

A cell is a node: its statistic family ("people", "rows", "sum:<column>"), the dimensions it
is keyed by (the others summed over) and its key. Tables that share a node share it: a node
published by one table is known to everyone, whatever another table does with it. Families of
dimensions are closed under intersection, so two tables that only share a margin (people by
year, city and sex; people by year, city and industry) meet in the margin's nodes (people by
year and city) even when neither publishes it; those nodes are implicit, unknown to a reader.

Every node equals the sum of the nodes one family below it, for each family that covers its
own. People counted distinctly add up only where nobody is in two cells; where someone is, the
equation carries the exact overlap, as if the reader knew it. That reader is stronger than a
real one (who could only guess that the overlap is small), so the audit errs towards hiding
more, never less.

Tables of one basis describe one delivery, but an upheld objection may have corrected records
between an earlier version and the release (one person moved from one cell to another). A
node takes the release's own value where the release holds it, as if the reader knew the
correction too: what an earlier version published of the node, they know of the release.
"""

from __future__ import annotations

import gc
import itertools
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import polars as pl

#: Value written for a null dimension value inside a key.
NULL = "\u2205"
_SEP = "\x1f"
_ADDITIVE = ("people", "rows", "sum:")


def additive(family: str) -> bool:
    """Families whose values add up over cells (counts and sums, not means or medians)."""
    return family.startswith(_ADDITIVE)


@dataclass(slots=True)
class Node:
    """One cell of one family, across every table that holds it."""

    family: str
    dims: tuple[str, ...]
    key: tuple[str, ...]
    truth: float | None = None
    published: float | None = None
    """The value a reader sees, when any table publishes it."""
    explicit: bool = False
    """Some table lists it (suppressed or not); implicit nodes are sums nobody publishes."""
    threshold: int | None = None
    width: float = 0.0
    products: tuple[str, ...] = ()
    """Products with a table row that is this node."""
    shown_elsewhere: bool = False
    """A table other than the one being judged publishes it: hiding it there is no use."""
    candidate_rows: list[tuple[int, int]] = field(default_factory=list)
    """(part, row) of the release being judged that are this node (it may still hide them)."""

    @property
    def hidden(self) -> bool:
        return self.published is None

    @property
    def primary(self) -> bool:
        """Below some table's minimum group size: its protection width applies."""
        return self.threshold is not None and self.truth is not None and self.truth < self.threshold


@dataclass(frozen=True, slots=True)
class Equation:
    """`parent` is the sum of `children` (node numbers), less `offset`: the people counted in
    two children (zero where the counts add up)."""

    parent: int
    children: tuple[int, ...]
    family: str
    offset: float = 0.0


@dataclass
class System:
    """Nodes and kept equations of one family of one resource's live tables."""

    family: str
    nodes: list[Node]
    equations: list[Equation]
    dropped: int = 0
    """Equations where people are counted in two children (kept, with their offset)."""
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the audit works out from the nodes' keys and the equations (not from which
    nodes are hidden), once per system."""
    alike: tuple[str, ...] = ()
    """Families of sums over the same rows, hidden in the same rows, whose systems are not
    built (see systems)."""

    def products(self, equation: Equation) -> set[str]:
        """The products whose rows an equation reads."""
        return {p for n in (equation.parent, *equation.children) for p in self.nodes[n].products}


def systems(cells: pl.DataFrame, *, alike: bool = True) -> list[System]:
    """One system per additive family in a linked-cells frame (see transforms.linked.cells).

    A family of sums listed in exactly the rows a family of counts is, each row hidden or
    published in both, has the counts' nodes, equations and hidden cells: the equations pin
    a sum exactly where they pin the count beside it (pinning depends on which cells are
    hidden, not on their values), and the counts' audit finds that count. Its system is not
    built; the counts' system names it in `alike`. Hiding a row hides it in every family,
    so this holds while a protection hides more. With `alike` off, every family is built
    (a count exposed before a release cannot stand for a sum exposed only by it)."""
    built: list[System] = []
    skipped: dict[str, str] = {}  # family of sums -> family of counts it is alike
    with uncollected():
        parts = (
            with_keys(cells)
            .filter(pl.col("additive"))
            .drop("dims", "key")  # their text is in __d and __k
            .partition_by("family", as_dict=True, maintain_order=True)
        )
        shapes = {str(family): _rows_shape(part) for (family,), part in parts.items()}
        counts = [f for f in ("people", "rows") if f in shapes]
        for (family,), part in parts.items():
            family = str(family)
            if alike and family.startswith("sum:"):
                match = next((c for c in counts if shapes[c].equals(shapes[family])), None)
                if match is not None:
                    skipped[family] = match
                    continue
            built.append(_system(family, part))
        for system in built:
            system.alike = tuple(f for f, match in skipped.items() if match == system.family)
    _BUILT.appendleft(built)
    return built


def with_keys(cells: pl.DataFrame) -> pl.DataFrame:
    """Linked cells with each cell's dimensions and key as text (`__d`, `__k`) and how many
    dimensions it has (`__n`), once: a caller that joins cells by them hands the same frame
    on to `systems`."""
    if "__d" in cells.columns:
        return cells
    return cells.with_columns(
        pl.col("dims").list.join(_SEP).alias("__d"),
        pl.col("key").list.join(_SEP).alias("__k"),
        pl.col("dims").list.len().alias("__n"),
    )


def _rows_shape(part: pl.DataFrame) -> pl.DataFrame:
    """The rows a family lists and which of them are hidden or the release's, in one order."""
    return part.select("product", "part", "row", "suppressed", "candidate").sort(
        "product", "part", "row"
    )


@contextmanager
def uncollected() -> Iterator[None]:
    """Tens of thousands of nodes, equations and the tuples an audit keys them by, none in a
    reference cycle: the garbage collector's passes over them while they are made and read
    cost more than the work itself. Reference counting still frees them; a cycle made
    meanwhile waits for the next pass after. What outlives the block (the systems a gate takes
    over, the shapes and the solved blocks) is moved to the oldest generation on the way out
    (frozen, then thawed there): a young generation's pass over it would find nothing to
    free and cost as much as one of the passes the block avoided."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _system(family: str, cells: pl.DataFrame) -> System:
    """The system of one family. When a system built just before (this family's, or another
    family's of the same call: counts and sums of one set of tables) has the same cells, the
    same keys in the same order, its nodes' keys and its equations' shape are taken over,
    and only the values are this family's."""
    shown = ~pl.col("suppressed")
    keyed = with_keys(cells).with_columns(
        pl.struct("__d", "__k").rank("dense").cast(pl.Int64).sub(1).alias("__node")
    )
    grouped = (
        keyed.group_by("__node")
        .agg(
            pl.col("__d").first(),
            pl.col("__k").first(),
            pl.col("__n").first(),
            pl.coalesce(
                pl.col("truth").filter(pl.col("candidate")).drop_nulls().first(),
                pl.col("truth").drop_nulls().first(),
            ).alias("truth"),
            pl.when(shown).then(pl.coalesce("published", "truth")).drop_nulls().first()
            .alias("published"),
            (shown & ~pl.col("candidate")).any().alias("shown_elsewhere"),
            pl.col("threshold").max(),
            pl.col("width").max().fill_null(0.0),
            pl.col("product").unique(maintain_order=True).alias("__products"),
            pl.col("part").filter(pl.col("candidate")).alias("__parts"),
            pl.col("row").filter(pl.col("candidate")).alias("__rows"),
        )
        .sort("__node")
    )  # fmt: skip
    columns = _Columns(grouped)
    listed = grouped.select("__d", "__k")
    rows = keyed.select("__node", "product", "part", "row", "candidate")
    kept = _kept(family, listed, columns, rows)
    if kept is not None:
        return kept
    shapes = sorted(_SHAPES, key=lambda shape: shape.family != family)  # its own first
    for shape in shapes:
        if shape.memo["cells"].height == listed.height and shape.memo["cells"].equals(listed):
            system = _alike(family, shape, rows, columns)
            _SHAPES.appendleft(_Shape.of(system))
            return system
    named = {text: tuple(text.split(_SEP)) if text else () for text in set(columns["__d"])}
    dims_of = [named[text] for text in columns["__d"]]  # one tuple per set of dimensions
    keys = [tuple(k.split(_SEP)) if n else () for k, n in zip(columns["__k"], columns["__n"],
                                                               strict=True)]  # fmt: skip
    index = dict(zip(zip(dims_of, keys, strict=True), itertools.count()))
    nodes = _listed(family, dims_of, keys, columns)
    dimsets = _closure({n.dims for n in nodes})
    by_dims: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for n, node in enumerate(nodes):
        by_dims[node.dims].append(n)
    equations, dropped = _sums(family, nodes, index, by_dims, dimsets)
    memo = {"index": index, "cells": listed, "truths": columns["truth"], "rows": rows}
    system = System(family, nodes, equations, dropped, memo=memo)
    _SHAPES.appendleft(_Shape.of(system))
    return system


class _Columns(dict):
    """The grouped cells' columns as lists, each made when first asked for: a system taken
    over (see _kept) needs only a few of them."""

    def __init__(self, frame: pl.DataFrame):
        super().__init__()
        self.frame = frame

    def __missing__(self, name: str) -> list:
        found = self[name] = self.frame[name].to_list()
        return found


#: What the audit keeps of a system that depends only on its nodes' keys, exact values and
#: equations, not on which nodes are published or which are the release's.
_SHAPED = ("index", "cells", "truths", "sums", "values", "equations", "incidence")


@dataclass(frozen=True)
class _Shape:
    """What a system built before lends one with the same cells: every node's dimensions and
    key (the listed first), the implicit nodes' values, the equations and the memo. No node
    objects: a build keeps a few shapes between products, and tens of thousands of objects
    kept alive slow every pass of the garbage collector in the rest of the build."""

    family: str
    keys: list[tuple[tuple[str, ...], tuple[str, ...]]]
    implicit: list[float | None]
    equations: list[Equation]
    dropped: int
    memo: dict[str, Any]

    @classmethod
    def of(cls, system: System) -> _Shape:
        listed = len(system.memo["truths"])
        return cls(
            system.family, [(n.dims, n.key) for n in system.nodes],
            [n.truth for n in system.nodes[listed:]], system.equations, system.dropped,
            system.memo,
        )  # fmt: skip


#: The shapes of the last systems built. The gate audits a release right after its
#: protection did, on the same cells with other cells hidden: the shape is taken over.
_SHAPES: deque[_Shape] = deque(maxlen=4)


def _alike(family: str, first: _Shape, rows: pl.DataFrame, columns: dict) -> System:
    """`first`'s nodes and equations with this family's values (see _system). Where the
    values are `first`'s own too, so are the equations and what the audit worked out from
    them: only which nodes are published differs."""
    listed = len(columns["truth"])  # the explicit nodes come first, the implicit after
    same = family == first.family and columns["truth"] == first.memo["truths"]
    shape = first.keys[:listed]
    nodes = _listed(family, [d for d, _ in shape], [k for _, k in shape], columns)
    nodes += [
        Node(family, dims, key, truth=truth if same else None)
        for (dims, key), truth in zip(first.keys[listed:], first.implicit, strict=True)
    ]
    if same:
        memo = {k: v for k, v in first.memo.items() if k in _SHAPED} | {"rows": rows}
        return System(family, nodes, first.equations, first.dropped, memo=memo)
    equations, dropped = [], 0
    for eq in first.equations:  # in the same order: implicit nodes take the same first sum
        equation = _equation(nodes, family, eq.parent, eq.children)
        dropped += equation.offset != 0.0 and _overlaps(equation, nodes)
        equations.append(equation)
    memo = {"index": first.memo["index"], "cells": first.memo["cells"], "truths": columns["truth"],
            "rows": rows}  # fmt: skip
    return System(family, nodes, equations, dropped, memo=memo)


#: The systems of the last calls to `systems`, nodes and all. The gate audits a release right
#: after its protection did, on the cells the protection left published: its systems, as
#: they stand after the protection's last audit, are the gate's.
_BUILT: deque[list[System]] = deque(maxlen=2)


def forget() -> None:
    """Drop the systems and shapes kept from the last calls (see _BUILT and _SHAPES)."""
    _BUILT.clear()
    _SHAPES.clear()


def _kept(family: str, listed: pl.DataFrame, columns: dict, rows: pl.DataFrame) -> System | None:
    """A system built before whose nodes are, key for key and value for value, the ones these
    cells make (same rows of the same tables, each published or hidden as here)."""
    for built in _BUILT:
        for system in built:
            memo, count = system.memo, len(columns["truth"])
            if (
                system.family != family
                or memo["cells"].height != listed.height
                or columns["truth"] != memo["truths"]
                or not memo["cells"].equals(listed)
                or not memo["rows"].equals(rows)
            ):
                continue
            nodes = system.nodes[:count]
            if (
                columns["published"] == [n.published for n in nodes]
                and columns["threshold"] == [n.threshold for n in nodes]
                and [float(w) for w in columns["width"]] == [n.width for n in nodes]
                and [bool(e) for e in columns["shown_elsewhere"]]
                == [n.shown_elsewhere for n in nodes]
            ):
                return system
    return None


def _listed(
    family: str, dims_of: list[tuple[str, ...]], keys: list[tuple[str, ...]], columns: dict
) -> list[Node]:
    """The nodes some table lists, with the products that list each and the release's rows
    that are it, made in one pass (tens of thousands per build)."""
    nodes = list(
        map(
            Node, itertools.repeat(family), dims_of, keys, columns["truth"], columns["published"],
            itertools.repeat(True), columns["threshold"], map(float, columns["width"]),
            map(tuple, columns["__products"]), map(bool, columns["shown_elsewhere"]),
        )
    )  # fmt: skip
    for n, parts in enumerate(columns["__parts"]):
        if parts:
            nodes[n].candidate_rows = list(zip(parts, columns["__rows"][n], strict=True))
    return nodes


def _equation(nodes: list[Node], family: str, parent: int, kids: tuple[int, ...]) -> Equation:
    truth = nodes[parent].truth
    total = sum(nodes[c].truth or 0.0 for c in kids)
    if truth is None:  # an implicit node takes the first sum that reaches it
        nodes[parent].truth = truth = total
    return Equation(parent, kids, family, total - truth)


def _overlaps(equation: Equation, nodes: list[Node]) -> bool:
    """People counted in two children (beyond rounding)."""
    truth = nodes[equation.parent].truth or 0.0
    return abs(equation.offset) > 1e-6 * max(1.0, abs(truth))


def _closure(dimsets: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The dimension sets with every intersection of two of them, smallest first."""
    found = {frozenset(d) for d in dimsets}
    while True:
        more = {a & b for a, b in itertools.combinations(found, 2)} - found
        if not more:
            break
        found |= more
    return sorted((tuple(sorted(s)) for s in found), key=lambda d: (len(d), d))


def _covers(
    dimsets: Sequence[tuple[str, ...]],
) -> Iterable[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(lower, upper) pairs where `upper` holds `lower` with no set of the list between."""
    sets = [frozenset(d) for d in dimsets]
    for low, high in itertools.permutations(range(len(sets)), 2):
        if sets[low] < sets[high] and not any(
            sets[low] < s < sets[high] for s in sets if s not in (sets[low], sets[high])
        ):
            yield dimsets[low], dimsets[high]


def _sums(
    family: str,
    nodes: list[Node],
    index: dict[tuple[tuple[str, ...], tuple[str, ...]], int],
    by_dims: dict[tuple[str, ...], list[int]],
    dimsets: list[tuple[str, ...]],
) -> tuple[list[Equation], int]:
    """Every equation, node by node of each family of dimensions one below another, and how
    many count people twice. Wider families first, so implicit nodes exist (and take the
    first sum that reaches them) before they are summed into narrower ones."""
    values = [0.0 if n.truth is None else n.truth for n in nodes]
    equations: list[Equation] = []
    dropped = 0
    for low, high in sorted(_covers(dimsets), key=lambda pair: -len(pair[1])):
        for parent, kids in _groups(nodes, index, by_dims, low, high):
            children = tuple(kids)
            total = sum(map(values.__getitem__, children))
            if parent == len(values):  # implicit, made just now
                values.append(0.0)
            truth = nodes[parent].truth
            if truth is None:
                nodes[parent].truth = values[parent] = truth = total
            equation = Equation(parent, children, family, total - truth)
            dropped += equation.offset != 0.0 and _overlaps(equation, nodes)
            equations.append(equation)
    return equations, dropped


def _groups(
    nodes: list[Node],
    index: dict[tuple[tuple[str, ...], tuple[str, ...]], int],
    by_dims: dict[tuple[str, ...], list[int]],
    low: tuple[str, ...],
    high: tuple[str, ...],
) -> Iterable[tuple[int, list[int]]]:
    """Each node of `low` (created implicit when no table lists it) with its children in
    `high`."""
    picks = [high.index(d) for d in low]
    members = by_dims[high]
    keys = (nodes[n].key for n in members)
    if len(picks) > 1:
        parents: Iterable[tuple[str, ...]] = map(itemgetter(*picks), keys)
    elif picks:
        parents = ((key[picks[0]],) for key in keys)
    else:
        parents = itertools.repeat((), len(members))
    children: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for key, n in zip(parents, members, strict=True):
        children[key].append(n)
    for key, kids in children.items():
        parent = index.get((low, key))
        if parent is None:
            parent = index[(low, key)] = len(nodes)
            nodes.append(Node(nodes[kids[0]].family, low, key))
            by_dims[low].append(parent)
        yield parent, kids
