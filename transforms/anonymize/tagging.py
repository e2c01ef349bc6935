"""What is known about each lattice node's anonymity without evaluating it: with monotonic
models and nested hierarchies, a node that passes makes every generalisation pass, and one
that fails makes every specialisation fail (Flash's predictive tagging, both directions)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from transforms.anonymize.lattice import Lattice, Node

UNKNOWN, ANONYMOUS, FAILING = 0, 1, -1


class Tags:
    """One status per node of a lattice, spread up or down on every verdict."""

    def __init__(self, lattice: Lattice) -> None:
        self.status = np.zeros(len(lattice), dtype=np.int8)
        self.position = lattice.position
        self.lattice = lattice

    def of(self, node: Node) -> int:
        """UNKNOWN, ANONYMOUS or FAILING."""
        return int(self.status[self.position[node]])

    def passed(self, node: Node) -> None:
        """The node and all its generalisations are anonymous."""
        if self.of(node) != ANONYMOUS:
            self.status[self.lattice.above(node)] = ANONYMOUS

    def failed(self, node: Node) -> None:
        """The node and all its specialisations fail."""
        if self.of(node) != FAILING:
            self.status[self.lattice.below(node)] = FAILING


def probe(
    node: Node,
    tags: Tags,
    up: Callable[[Node], Node | None],
    check: Callable[[Node], bool],
) -> None:
    """Settle an unknown node's status by a binary search along a path of generalisations up
    to a node known to pass: each failure found high on the path tags the whole cone below
    it, so one search can settle hundreds of nodes the bottom-up pass would otherwise
    evaluate one by one. ``up`` picks the next node of the path (None at the top);
    ``check`` evaluates a node (and records its verdict in ``tags``)."""
    path = [node]
    while tags.of(path[-1]) == UNKNOWN:
        following = up(path[-1])
        if following is None:
            break
        path.append(following)
    low, high = 0, len(path) - 1 if tags.of(path[-1]) == ANONYMOUS else len(path)
    while low < high:
        middle = (low + high) // 2
        status = tags.of(path[middle])
        if status == ANONYMOUS or (status == UNKNOWN and check(path[middle])):
            high = middle
        else:
            low = middle + 1
