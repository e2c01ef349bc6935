"""The pruned search must agree with a plain brute force written without the engine's code."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.metrics import Discernibility, Loss
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import optimal_node


@st.composite
def hierarchies(draw, column: str, nested: bool = True) -> Hierarchy:
    """Random hierarchy: each level groups the previous level's labels (or, when not nested,
    the original values) into fewer labels."""
    values = [f"{column}{i}" for i in range(draw(st.integers(1, 6)))]
    levels = [{v: v for v in values}]
    for _ in range(draw(st.integers(0, 3))):
        base = levels[-1] if nested else levels[0]
        labels = sorted(set(base.values()))
        group = {lab: draw(st.integers(0, max(len(labels) - 2, 0))) for lab in labels}
        depth = len(levels)
        levels.append({v: f"g{depth}.{group[base[v]]}" for v in values})
    return Hierarchy(column, levels)


@st.composite
def tables(draw, nested: bool = True):
    columns = [f"q{i}" for i in range(draw(st.integers(1, 4)))]
    hs = {c: draw(hierarchies(c, nested)) for c in columns}
    rows = draw(st.integers(1, 60))
    data = {c: [draw(st.sampled_from(hs[c].values)) for _ in range(rows)] for c in columns}
    return pl.DataFrame(data), hs


def brute_force(frame, hs, k, limit, metric_name):
    """Every node, straight from the hierarchy dictionaries and Counter."""
    columns = list(hs)
    rows = frame.rows()
    best = None
    for node in itertools.product(*(range(hs[c].height + 1) for c in columns)):
        gen = [
            tuple(hs[c].levels[lv][v] for c, lv, v in zip(columns, node, row, strict=True))
            for row in rows
        ]
        sizes = Counter(gen)
        suppressed = sum(n for n in sizes.values() if n < k)
        if suppressed > limit:
            continue
        if metric_name == "DM":
            value = sum(n * n for n in sizes.values() if n >= k) + suppressed * len(rows)
        else:
            per_qi = []
            for j, c in enumerate(columns):
                level = hs[c].levels[node[j]]
                leaves = Counter(level.values())
                spread = max(len(level) - 1, 1)
                total = sum(1.0 if sizes[g] < k else (leaves[g[j]] - 1) / spread for g in gen)
                per_qi.append(total / len(rows))
            value = 1.0
            for loss in per_qi:
                value *= (loss + 1.0) ** (1.0 / len(per_qi))
            value -= 1.0
        key = (value, sum(node), node)
        if best is None or key < best:
            best = key
    return best


def check(frame, hs, k, fraction, metric, budget=None):
    """budget 0 skips the top-down pass and also the greedy walk, so the bottom-up pruning
    alone must find the optimum."""
    limit = max_suppressed(fraction, frame.height)
    expected = brute_force(frame, hs, k, limit, metric.name)
    if expected is None:
        return
    data = encode(frame, hs)
    result = optimal_node(data, [KAnonymity(k)], limit, metric, budget, greedy=budget != 0)
    if metric.name == "DM":
        assert (result.value, result.node) == (expected[0], expected[2])
        unfixed = replace(data, places=None)
        again = optimal_node(unfixed, [KAnonymity(k)], limit, metric, budget, greedy=budget != 0)
        assert (again.value, again.node) == (result.value, result.node)
    else:
        assert abs(result.value - expected[0]) < 1e-9
        assert result.value <= expected[0] + 1e-9


@settings(max_examples=60, derandomize=True, deadline=None)
@given(tables(), st.integers(1, 5), st.sampled_from([0.0, 0.1, 0.3]), st.sampled_from([0, 3, None]))
def test_search_matches_brute_force_dm(table, k, fraction, budget):
    frame, hs = table
    check(frame, hs, k, fraction, Discernibility(), budget)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(tables(), st.integers(1, 5), st.sampled_from([0.0, 0.1, 0.3]), st.sampled_from([0, None]))
def test_search_matches_brute_force_loss(table, k, fraction, budget):
    frame, hs = table
    check(frame, hs, k, fraction, Loss(), budget)


@settings(max_examples=20, derandomize=True, deadline=None)
@given(tables(nested=False), st.integers(1, 4), st.sampled_from([0.0, 0.2]))
def test_search_matches_brute_force_non_nested(table, k, fraction):
    frame, hs = table
    check(frame, hs, k, fraction, Discernibility())
