"""Optimal full-domain generalisation: the lattice node with the lowest information loss among
those meeting the privacy models within the suppression limit."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
import polars as pl

from transforms.anonymize.encode import ROWS, Classes, Encoded, classes_of, encode
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.lattice import Lattice, Node
from transforms.anonymize.metrics import Discernibility, Metric
from transforms.anonymize.models import PrivacyModel, judge, max_suppressed, sensitive_columns
from transforms.anonymize.snapshots import Snapshots
from transforms.anonymize.tagging import FAILING, UNKNOWN, Tags, probe

#: Relative margin before a bound prunes, so float rounding never drops a tie.
_SLACK = 1e-9

#: Distinct QI combinations past which a top-down pass runs to completion before anything
#: else: evaluating only the anonymous nodes and their border from the data then beats
#: forming the large class tables of the specific nodes the bottom-up pass visits.
TOP_DOWN_COMBINATIONS = 50_000

#: Most classes kept from evaluated nodes (about 24 bytes each, more with sensitive counts),
#: so that a node's classes form from a specialisation's rather than from the data.
KEPT_CLASSES = 10_000_000


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

    1. every verdict is spread through the lattice (``Tags``): a pass to all generalisations,
       a failure to all specialisations, so those are never evaluated for their status;
    2. top-down, only nodes not known to fail are evaluated, up to ``budget`` evaluations
       (default: 5% of the lattice, at least 64, when nothing may be suppressed, since few
       nodes are then anonymous; all past ``TOP_DOWN_COMBINATIONS`` distinct combinations;
       else none); when it finishes, every anonymous node has been seen and the search is
       done;
    3. a greedy walk down from the top node finds a good solution early (``greedy``);
    4. bottom-up in level-sum order, a node whose metric lower bound exceeds the best value so
       far is skipped with all its generalisations; a node of unknown status is settled by a
       binary search along a path of generalisations (``probe``), whose failures high up tag
       whole cones below; classes form from the nearest kept specialisation (``Snapshots``).

    Ties on the metric go to the lowest level sum, then the lexicographically smallest node.
    ``budget`` and ``greedy`` change the work done, never the result.
    """
    metric = metric or Discernibility()
    models = list(models)
    for model in models:
        model.check_data(data, limit)
    started = time.perf_counter()
    lattice = Lattice.of(tuple(data.heights))
    rollup = data.nested
    monotonic = rollup and all(model.monotonic for model in models)
    heights = lattice.heights
    tags = Tags(lattice) if monotonic else None
    snapshots = Snapshots(lattice, KEPT_CLASSES) if rollup else None
    floor = max((model.min_class_size for model in models), default=1)
    best: tuple[float, int, Node] | None = None
    best_state: tuple[Classes, np.ndarray, int] | None = None
    values: dict[Node, float] = {}
    known: dict[Node, bool] = {}
    bounds: dict[Node, float] = {}

    def evaluate(node: Node, keep: bool = True) -> bool:
        nonlocal best, best_state
        if node in known:
            return known[node]
        if snapshots is None:
            classes = classes_of(data, node)
        else:
            classes = snapshots.classes(data, node)
            if keep:
                snapshots.keep(node, classes)
        verdict = judge(models, classes, limit)
        known[node] = verdict.anonymous
        if tags is not None:
            (tags.passed if verdict.anonymous else tags.failed)(node)
        if rollup:
            bounds[node] = metric.lower_bound(data, node, classes, floor)
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

    def up(node: Node) -> Node | None:
        """The path's next node: raise the QI nearest its top, relative to its height, so a
        path generalises one QI fully before the next (on Adult's grid this settled the most
        nodes per evaluation)."""
        room = [(v / h, j) for j, (v, h) in enumerate(zip(node, heights, strict=True)) if v < h]
        if not room:
            return None
        j = max(room)[1]
        return (*node[:j], node[j] + 1, *node[j + 1 :])

    complete = False
    if tags is not None:
        if not evaluate(tuple(data.heights)):
            _fail(data, limit)
        if budget is None:
            large = len(data.codes) > TOP_DOWN_COMBINATIONS
            budget = len(lattice) if large else (max(64, len(lattice) // 20) if not limit else 0)
        complete = True
        for node in reversed(lattice.nodes):
            if tags.of(node) == FAILING:
                continue
            if len(known) >= budget:
                complete = False
                break
            evaluate(node, keep=False)
    if tags is not None and greedy and not complete:
        node = tuple(data.heights)
        while True:
            found = [p for p in lattice.predecessors(node) if evaluate(p)]
            if not found:
                break
            node = min(found, key=lambda p: (values[p], sum(p), p))

    static = metric.node_bounds(data, lattice.levels) if rollup else None
    pruned = np.zeros(len(lattice), dtype=bool)
    for i, node in enumerate([] if complete else lattice.nodes):
        if pruned[i]:
            continue
        if rollup and (beaten(None if static is None else static[i]) or beaten(bounds.get(node))):
            pruned |= lattice.above(node)
            continue
        if tags is not None and tags.of(node) == FAILING:
            continue
        if tags is not None and tags.of(node) == UNKNOWN:
            probe(node, tags, up, evaluate)
            if tags.of(node) == FAILING:
                continue
        evaluate(node)
        if rollup and beaten(bounds[node]):
            pruned |= lattice.above(node)
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
        nodes_checked=len(known),
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
