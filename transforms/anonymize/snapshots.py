"""Classes of nodes already evaluated, kept so a node's classes can be formed from a
specialisation's (far fewer classes than the data has combinations) rather than from the data;
like ARX's history of snapshots, within a fixed budget of classes."""

from __future__ import annotations

import numpy as np

from transforms.anonymize.encode import Classes, Encoded, classes_of, roll_up
from transforms.anonymize.lattice import Lattice, Node


class Snapshots:
    """Kept classes by node, the lowest level sums dropped first when over ``budget``."""

    def __init__(self, lattice: Lattice, budget: int) -> None:
        self.lattice = lattice
        self.budget = budget
        self.held = np.zeros(len(lattice), dtype=bool)
        self.count = np.zeros(len(lattice), dtype=np.int64)
        self.kept: dict[int, Classes] = {}
        self.total = 0

    def keep(self, node: Node, classes: Classes) -> None:
        """Hold the node's classes, dropping the most specialised ones past the budget."""
        i = self.lattice.position[node]
        if self.held[i] or len(classes.sizes) > self.budget:
            return
        self.held[i], self.count[i], self.kept[i] = True, len(classes.sizes), classes
        self.total += len(classes.sizes)
        for j in np.flatnonzero(self.held):
            if self.total <= self.budget:
                break
            self.held[j] = False
            self.total -= int(self.count[j])
            del self.kept[int(j)]

    def classes(self, data: Encoded, node: Node) -> Classes:
        """The node's classes from a kept specialisation: a direct predecessor's when one is
        kept (one field of each packed key changes), else the one with the fewest classes,
        rolled up a level at a time; from the data when none is kept."""
        candidates = np.flatnonzero(self.held & self.lattice.below(node))
        if not len(candidates):
            return classes_of(data, node)
        depth = sum(node)
        near = [i for i in candidates if self.lattice.sums[i] == depth - 1]
        pool = near or candidates
        i = int(min(pool, key=lambda c: self.count[c]))
        classes, at = self.kept[i], self.lattice.nodes[i]
        for j, level in enumerate(node):
            while at[j] < level:
                at = (*at[:j], at[j] + 1, *at[j + 1 :])
                classes = roll_up(data, classes, at, j)
        return classes
