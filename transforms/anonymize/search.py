"""Optimal full-domain generalisation: the lattice node with the lowest information loss among
those meeting the privacy models within the suppression limit."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
import polars as pl

from transforms.anonymize.encode import ROWS, Classes, Encoded, classes_of, encode, roll_up
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.metrics import Discernibility, Metric
from transforms.anonymize.models import PrivacyModel, judge, max_suppressed, sensitive_columns

Node = tuple[int, ...]

#: Relative margin before a bound prunes, so float rounding never drops a tie.
_SLACK = 1e-9

#: Distinct QI combinations past which the top-down pass runs to completion: evaluating the
#: anonymous nodes from scratch then beats rolling class tables up from the bottom, whose two
#: layers of tables grow with the distinct combinations.
TOP_DOWN_COMBINATIONS = 50_000

#: Most classes kept for roll-ups per lattice layer (about 80 bytes each); beyond it a node's
#: successors group from scratch or roll up from another predecessor.
KEPT_CLASSES = 20_000_000


@dataclass(frozen=True)
class SearchResult:
    """The chosen node and what it does to the data."""

    levels: dict[str, int]
    suppressed: int
    classes: int
    min_class: int
    mean_class: float
    metric: str
    value: float
    nodes_checked: int
    nodes_total: int
    runtime_ms: float
    ties: list[dict[str, int]] = field(default_factory=list)

    @property
    def node(self) -> Node:
        """Levels in QI order, as a lattice node."""
        return tuple(self.levels.values())


class Lattice:
    """All full-domain generalisations, with memoised neighbours and level-sum layers."""

    def __init__(self, heights: Sequence[int]) -> None:
        self.heights = tuple(heights)
        grid = np.indices([h + 1 for h in self.heights]).reshape(len(self.heights), -1)
        order = np.lexsort((*grid[::-1], grid.sum(axis=0)))
        #: One row of levels per node, in the order of ``nodes``.
        self.levels = np.ascontiguousarray(grid[:, order].T)
        self.nodes: list[Node] = list(map(tuple, self.levels.tolist()))
        self._pred: dict[Node, list[Node]] = {}
        self._succ: dict[Node, list[Node]] = {}

    def predecessors(self, node: Node) -> list[Node]:
        """Nodes one step more specific (one QI one level lower)."""
        found = self._pred.get(node)
        if found is None:
            found = [(*node[:j], v - 1, *node[j + 1 :]) for j, v in enumerate(node) if v > 0]
            self._pred[node] = found
        return found

    def successors(self, node: Node) -> list[Node]:
        """Nodes one step more general (one QI one level higher)."""
        found = self._succ.get(node)
        if found is None:
            found = [
                (*node[:j], v + 1, *node[j + 1 :])
                for j, (v, h) in enumerate(zip(node, self.heights, strict=True))
                if v < h
            ]
            self._succ[node] = found
        return found

    def __len__(self) -> int:
        return len(self.nodes)

    def layers_top_down(self) -> list[tuple[list[Node], np.ndarray]]:
        """Nodes by level sum from the top, each layer with the positions (in ``nodes``) of
        its successors, -1 where a QI is already at its top; lets a pass from the top infer
        failures for a whole layer with one numpy operation."""
        levels = self.levels
        heights = np.array(self.heights, dtype=np.int64)
        radix = np.cumprod(np.concatenate([[1], (heights + 1)[::-1]]))[:-1][::-1]
        position = np.empty(int(np.prod(heights + 1)), dtype=np.int64)
        ids = levels @ radix
        position[ids] = np.arange(len(ids))
        successor = np.where(
            levels < heights, position[np.minimum(ids[:, None] + radix, len(position) - 1)], -1
        )
        sums = levels.sum(axis=1)
        bounds = np.searchsorted(sums, np.arange(sums.max() + 2))
        return [
            (self.nodes[bounds[d] : bounds[d + 1]], successor[bounds[d] : bounds[d + 1]])
            for d in range(int(sums.max()), -1, -1)
        ]


def optimal_node(
    data: Encoded,
    models: Sequence[PrivacyModel],
    limit: int,
    metric: Metric | None = None,
    budget: int | None = None,
    greedy: bool = True,
) -> SearchResult:
    """Exhaustive search, made cheap by safe shortcuts when all hierarchies are nested and the
    models monotonic (a node passing implies its generalisations pass):

    1. top-down, a node with a failing generalisation fails too, so only the anonymous nodes and
       their border are evaluated; this finishes the search when few nodes are anonymous (small
       suppression limits), else it stops after ``budget`` evaluations (default: 5% of the
       lattice, at least 64; unlimited past ``TOP_DOWN_COMBINATIONS`` distinct combinations,
       where keeping class tables for the bottom-up pass costs more than it saves);
    2. a greedy walk down from the top node finds a good solution early (``greedy``);
    3. bottom-up in level-sum order, classes roll up from a predecessor, and a node whose metric
       lower bound exceeds the best value so far is skipped with all its generalisations.

    Ties on the metric go to the lowest level sum, then the lexicographically smallest node.
    ``budget`` and ``greedy`` change the work done, never the result.
    """
    metric = metric or Discernibility()
    models = list(models)
    for model in models:
        model.check_data(data, limit)
    started = time.perf_counter()
    lattice = Lattice(data.heights)
    rollup = data.nested
    monotonic = rollup and all(model.monotonic for model in models)
    floor = max((model.min_class_size for model in models), default=1)
    best: tuple[float, int, Node] | None = None
    best_state: tuple[Classes, np.ndarray, int] | None = None
    values: dict[Node, float] = {}
    known: dict[Node, bool] = {}
    checked: set[Node] = set()

    def evaluate(node: Node, classes: Classes | None = None) -> bool:
        nonlocal best, best_state
        if classes is None:
            if node in known:
                return known[node]
            classes = classes_of(data, node)
        checked.add(node)
        verdict = judge(models, classes, limit)
        known[node] = verdict.anonymous
        if verdict.anonymous:
            value = metric(data, node, classes, verdict.suppressed_classes)
            values[node] = value
            candidate = (value, sum(node), node)
            if best is None or candidate < best:
                best = candidate
                best_state = (classes, verdict.suppressed_classes, verdict.suppressed)
        return verdict.anonymous

    def beaten(bound: float | None) -> bool:
        return best is not None and bound is not None and bound > best[0] + _SLACK * abs(best[0])

    complete = False
    if monotonic:
        if not evaluate(tuple(data.heights)):
            _fail(data, limit)
        if budget is None:
            large = len(data.codes) > TOP_DOWN_COMBINATIONS
            budget = len(lattice) if large else max(64, len(lattice) // 20)
        failing = np.zeros(len(lattice), dtype=bool)
        complete = True
        offset = len(lattice)
        for nodes, successors in lattice.layers_top_down():
            offset -= len(nodes)
            inferred = (failing[successors] & (successors >= 0)).any(axis=1)
            failing[offset : offset + len(nodes)] = inferred
            for i in np.flatnonzero(~inferred):
                if len(checked) >= budget:
                    complete = False
                    break
                failing[offset + i] = not evaluate(nodes[i])
            if not complete:
                break
        for i in np.flatnonzero(failing):
            known[lattice.nodes[i]] = False
    if monotonic and greedy and not complete:
        node = tuple(data.heights)
        while True:
            found = [p for p in lattice.predecessors(node) if evaluate(p)]
            if not found:
                break
            node = min(found, key=lambda p: (values[p], sum(p), p))

    layer: dict[Node, Classes] = {}
    previous: dict[Node, Classes] = {}
    pruned: set[Node] = set()
    depth, kept = -1, 0
    for node in [] if complete else lattice.nodes:
        if sum(node) != depth:
            depth, previous, layer, kept = sum(node), layer, {}, 0
        preds = lattice.predecessors(node)
        if rollup and (any(p in pruned for p in preds) or beaten(metric.node_bound(data, node))):
            pruned.add(node)
            continue
        parents = [p for p in preds if p in previous] if rollup else []
        if parents:
            pred = min(parents, key=lambda p: len(previous[p].sizes))
            column = next(j for j, (a, b) in enumerate(zip(pred, node, strict=True)) if a != b)
            classes = roll_up(data, previous[pred], node, column)
        else:
            classes = classes_of(data, node)
        evaluate(node, classes)
        if rollup and beaten(metric.lower_bound(data, node, classes, floor)):
            pruned.add(node)
            continue
        if kept + len(classes.sizes) <= KEPT_CLASSES:
            layer[node] = classes
            kept += len(classes.sizes)
    runtime = (time.perf_counter() - started) * 1000
    if best is None or best_state is None:
        _fail(data, limit)
    classes, mask, suppressed = best_state
    kept = classes.sizes[~mask]
    name = getattr(metric, "name", type(metric).__name__)
    return SearchResult(
        levels=dict(zip(data.columns, best[2], strict=True)),
        suppressed=suppressed,
        classes=len(kept),
        min_class=int(kept.min()) if len(kept) else 0,
        mean_class=float(kept.mean()) if len(kept) else 0.0,
        metric=name,
        value=best[0],
        nodes_checked=len(checked),
        nodes_total=len(lattice),
        runtime_ms=runtime,
        ties=[
            dict(zip(data.columns, n, strict=True))
            for n, v in values.items()
            if v == best[0] and n != best[2]
        ],
    )


def _fail(data: Encoded, limit: int) -> NoReturn:
    raise AnonymizationError(
        f"no generalisation meets the privacy models with at most {limit} of "
        f"{data.rows} rows suppressed; raise the suppression limit or relax the models"
    )


def anonymize_search(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    models: Sequence[PrivacyModel],
    suppression_limit: float = 0.0,
    metric: Metric | None = None,
    counts: pl.DataFrame | None = None,
) -> SearchResult:
    """Find the optimal node for a frame; ``suppression_limit`` is a fraction of the rows.
    ``counts``, the frame's `class_counts` merged from its partitions, spares grouping the
    rows here."""
    if not hierarchies:
        raise AnonymizationError("no quasi-identifiers given: pass at least one hierarchy")
    if not models:
        raise AnonymizationError("no privacy model given: set k, l, t or an environment")
    if frame.height == 0:
        raise AnonymizationError("the data has no rows: there is nothing to anonymise")
    sensitive = sensitive_columns(models)
    if counts is None:
        data = encode(frame, hierarchies, sensitive)
    else:
        data = encode(counts, hierarchies, sensitive, weight=ROWS)
    return optimal_node(data, models, max_suppressed(suppression_limit, frame.height), metric)
