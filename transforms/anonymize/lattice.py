"""The generalisation lattice: every combination of hierarchy levels, in level-sum order, with
the cones (all specialisations or all generalisations of a node) as one AND of masks."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache

import numpy as np

Node = tuple[int, ...]


class Lattice:
    """All full-domain generalisations, with memoised neighbours; one per set of heights
    (``Lattice.of``), since searches on one table share it."""

    def __init__(self, heights: Sequence[int]) -> None:
        self.heights = tuple(heights)
        grid = np.indices([h + 1 for h in self.heights]).reshape(len(self.heights), -1)
        order = np.lexsort((*grid[::-1], grid.sum(axis=0)))
        #: One row of levels per node, in the order of ``nodes``.
        self.levels = np.ascontiguousarray(grid[:, order].T)
        self.nodes: list[Node] = list(map(tuple, self.levels.tolist()))
        #: Each node's index in ``nodes``.
        self.position = {node: i for i, node in enumerate(self.nodes)}
        self._pred: dict[Node, list[Node]] = {}
        self._succ: dict[Node, list[Node]] = {}

    @staticmethod
    @lru_cache(maxsize=16)
    def of(heights: tuple[int, ...]) -> Lattice:
        """The lattice for these heights, built once per process."""
        return Lattice(heights)

    @cached_property
    def sums(self) -> list[int]:
        """Each node's level sum, in the order of ``nodes``."""
        return self.levels.sum(axis=1).tolist()

    @cached_property
    def _masks(self) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
        levels, heights = self.levels, self.heights
        below = [[levels[:, j] <= v for v in range(h + 1)] for j, h in enumerate(heights)]
        above = [[levels[:, j] >= v for v in range(h + 1)] for j, h in enumerate(heights)]
        return below, above

    def below(self, node: Node) -> np.ndarray:
        """Mask of the node and all its specialisations."""
        return _and(self._masks[0], node)

    def above(self, node: Node) -> np.ndarray:
        """Mask of the node and all its generalisations."""
        return _and(self._masks[1], node)

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


def _and(masks: list[list[np.ndarray]], node: Node) -> np.ndarray:
    cone = masks[0][node[0]].copy() if node else np.ones(1, dtype=bool)
    for j in range(1, len(node)):
        cone &= masks[j][node[j]]
    return cone
