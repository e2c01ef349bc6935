"""Tags spread along the lattice must never claim a status a node does not have, and probes
must settle every node they are asked about, against an oracle that knows the truth; the
bounds the search prunes with must be the metric's own."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.anonymize.lattice import Lattice
from transforms.anonymize.metrics import Loss, NonUniformEntropy
from transforms.anonymize.tagging import ANONYMOUS, FAILING, UNKNOWN, Tags, probe


@st.composite
def monotone_worlds(draw):
    """A lattice and an up-closed set of anonymous nodes, given by its minimal elements."""
    heights = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    nodes = list(itertools.product(*(range(h + 1) for h in heights)))
    seeds = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4))

    def above(n, s):
        return all(a >= b for a, b in zip(n, s, strict=True))

    anonymous = {n for n in nodes if any(above(n, s) for s in seeds)}
    return heights, anonymous


def up_first(heights):
    def up(node):
        for j, (v, h) in enumerate(zip(node, heights, strict=True)):
            if v < h:
                return (*node[:j], v + 1, *node[j + 1 :])
        return None

    return up


@settings(max_examples=200, deadline=None)
@given(monotone_worlds())
def test_probes_settle_every_node_truthfully(world):
    heights, anonymous = world
    lattice = Lattice(heights)
    tags = Tags(lattice)
    evaluated = []

    def check(node):
        evaluated.append(node)
        passed = node in anonymous
        (tags.passed if passed else tags.failed)(node)
        return passed

    top = tuple(heights)
    check(top)
    for node in lattice.nodes:
        if tags.of(node) == UNKNOWN:
            probe(node, tags, up_first(heights), check)
            assert tags.of(node) != UNKNOWN, f"probe left {node} unsettled"
    for node in lattice.nodes:
        assert tags.of(node) == (ANONYMOUS if node in anonymous else FAILING), node
    assert len(evaluated) == len(set(evaluated)), "a node was evaluated twice"


def test_a_failure_high_up_settles_its_whole_cone_and_nothing_beyond():
    lattice = Lattice([2, 2, 2])
    tags = Tags(lattice)
    tags.passed((2, 2, 2))
    calls = []

    def check(node):
        calls.append(node)
        passed = sum(node) >= 5
        (tags.passed if passed else tags.failed)(node)
        return passed

    probe((0, 0, 0), tags, up_first([2, 2, 2]), check)
    assert tags.of((0, 0, 0)) == FAILING
    assert len(calls) <= 3  # a binary search over a path of 6 steps
    assert tags.of((2, 2, 0)) == FAILING and tags.of((1, 2, 0)) == FAILING
    assert tags.of((2, 2, 1)) == ANONYMOUS
    assert tags.of((1, 1, 2)) == UNKNOWN  # outside both cones: nothing is claimed


def test_every_node_bound_at_once_agrees_with_one_at_a_time(adult_encoded):
    """The search prunes with the vectorised bounds and scores with the scalar ones: a gap
    beyond rounding would prune a node that could win."""
    lattice = Lattice.of(tuple(adult_encoded.heights))
    for metric in (Loss(), NonUniformEntropy()):
        at_once = metric.node_bounds(adult_encoded, lattice.levels)
        singly = [metric.node_bound(adult_encoded, node) for node in lattice.nodes]
        assert at_once == pytest.approx(singly, rel=1e-12), metric.name
