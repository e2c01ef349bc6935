"""Utility metrics: how much information a node loses (lower is better), each with a lower
bound that holds for the node and all its generalisations, which lets the search prune."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from transforms.anonymize.encode import Classes, Encoded


class Metric(Protocol):
    """Scores a node from its classes and the mask of classes it suppresses."""

    name: str

    def __call__(
        self, data: Encoded, node: Sequence[int], classes: Classes, suppressed: np.ndarray
    ) -> float: ...

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """A value no anonymous generalisation of ``node`` (itself included) can beat, when
        every published class there must have at least ``floor`` rows."""
        ...

    def node_bound(self, data: Encoded, node: Sequence[int]) -> float | None:
        """Like ``lower_bound`` but without the classes (None if the metric needs them)."""
        ...

    def node_bounds(self, data: Encoded, levels: np.ndarray) -> np.ndarray | None:
        """``node_bound`` of every node at once (one row of ``levels`` per node), for
        pruning only: it may differ from ``node_bound`` in the last bits."""
        ...


class Discernibility:
    """DM: each row costs the size of its class, or N when suppressed (Bayardo & Agrawal), so
    large classes and suppression are both penalised."""

    name = "DM"

    def __call__(
        self, data: Encoded, node: Sequence[int], classes: Classes, suppressed: np.ndarray
    ) -> int:
        return discernibility(classes.sizes, suppressed, data.rows)

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """Merging classes only grows them, a published class has at least ``floor`` rows and
        a suppressed row costs N >= any class size, so each row costs at least
        max(its class size here, floor) in every generalisation."""
        return int((classes.sizes * np.maximum(classes.sizes, min(floor, data.rows))).sum())

    def node_bound(self, data: Encoded, node: Sequence[int]) -> None:
        return None

    def node_bounds(self, data: Encoded, levels: np.ndarray) -> None:
        return None


def discernibility(sizes: np.ndarray, suppressed: np.ndarray, rows: int) -> int:
    """DM from class sizes: kept classes cost |class|^2, suppressed rows N each.

    >>> discernibility(np.array([3, 1]), np.array([False, True]), rows=4)
    13
    """
    kept = np.where(suppressed, 0, sizes)
    return int(kept @ kept) + int(sizes.sum(where=suppressed)) * rows


class Loss:
    """ARX's default "Loss": per QI the mean over rows of Iyengar's (leaves - 1) / (values - 1)
    of the published value (a suppressed row counts 1), combined over QIs by ARX's geometric
    mean, prod((loss + 1) ** (1 / q)) - 1, so scores can be compared with ARX's directly."""

    name = "Loss"

    def __init__(self) -> None:
        self._means: tuple[Encoded, list[np.ndarray]] | None = None

    def __call__(
        self, data: Encoded, node: Sequence[int], classes: Classes, suppressed: np.ndarray
    ) -> float:
        hidden = classes.sizes[suppressed].sum() / data.rows
        if not hidden:
            return self.node_bound(data, node)
        rows = np.flatnonzero(suppressed)
        kept_share = _shares(data, node, classes.members_of(rows), classes.sizes[rows])
        return _geometric(self._per_level(data, node) - kept_share + hidden)

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """Generalising never lowers a value's leaf count and suppression costs the maximum,
        so the loss with nothing suppressed bounds every generalisation."""
        return self.node_bound(data, node)

    def node_bound(self, data: Encoded, node: Sequence[int]) -> float:
        """The loss with nothing suppressed: a function of the levels alone, since each row's
        loss depends only on its own value and level."""
        return _geometric(self._per_level(data, node))

    def node_bounds(self, data: Encoded, levels: np.ndarray) -> np.ndarray:
        q = levels.shape[1]
        factors = [(m[levels[:, j]] + 1.0) ** (1.0 / q) for j, m in enumerate(self._means_of(data))]
        return np.prod(factors, axis=0) - 1.0

    def _per_level(self, data: Encoded, node: Sequence[int]) -> np.ndarray:
        """Per QI the mean loss over all rows at the node's level."""
        return np.array([m[lv] for m, lv in zip(self._means_of(data), node, strict=True)])

    def _means_of(self, data: Encoded) -> list[np.ndarray]:
        """Per QI and level the mean loss over all rows, computed once per table."""
        if self._means is None or self._means[0] is not data:
            means = [
                np.array([(loss[data.codes[:, j]] * data.counts).sum() for loss in column.loss])
                / data.rows
                for j, column in enumerate(data.encoded)
            ]
            self._means = (data, means)
        return self._means[1]


def _shares(
    data: Encoded, node: Sequence[int], members: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Per QI: the rows' summed generalisation loss at ``node``, divided by N."""
    return np.array(
        [
            float((column.loss[level][members[:, j]] * sizes).sum()) / data.rows
            for j, (column, level) in enumerate(zip(data.encoded, node, strict=True))
        ]
    )


def _geometric(per_qi: np.ndarray) -> float:
    """ARX's geometric-mean aggregate; shifting by 1 keeps zero losses from dominating.

    >>> round(_geometric(np.array([0.0, 0.21])), 6)
    0.1
    """
    return float(np.prod((per_qi + 1.0) ** (1.0 / len(per_qi))) - 1.0)


class NonUniformEntropy:
    """Non-uniform entropy (ARX's default aggregate, a sum over QIs): a row whose value x is
    published as g costs -log2 P(x | g), the bits an analyst cannot recover, with P counted
    on the input; a suppressed row costs as if generalised to the top. Rare values grouped
    with common ones lose more than common values, unlike the loss metric.

    Within a class every row shares g, so a node's value is sum_rows -log2 c(x) (a constant)
    plus sum over classes of |class| * sum_QI log2 c(g), with c the input counts; over all
    classes that sum depends on the levels alone, so only suppressed classes are visited."""

    name = "Entropy"

    def __init__(self) -> None:
        self._cache: tuple[Encoded, float, list[list[np.ndarray]], list[np.ndarray]] | None = None

    def _prepare(self, data: Encoded) -> tuple[float, list[list[np.ndarray]], list[np.ndarray]]:
        if self._cache is None or self._cache[0] is not data:
            base, logs, means = 0.0, [], []
            for j, column in enumerate(data.encoded):
                codes = data.codes[:, j]
                c0 = np.bincount(codes, weights=data.counts, minlength=column.sizes[0])
                base -= float((np.log2(c0[codes]) * data.counts).sum())
                per_level = [
                    np.log2(np.maximum(np.bincount(lookup[codes], weights=data.counts), 1.0))
                    for lookup in column.lookup
                ]
                logs.append(per_level)
                means.append(
                    np.array(
                        [
                            (level[lookup[codes]] * data.counts).sum()
                            for level, lookup in zip(per_level, column.lookup, strict=True)
                        ]
                    )
                )
            self._cache = (data, base, logs, means)
        return self._cache[1], self._cache[2], self._cache[3]

    def __call__(
        self, data: Encoded, node: Sequence[int], classes: Classes, suppressed: np.ndarray
    ) -> float:
        _, logs, _ = self._prepare(data)
        rows = np.flatnonzero(suppressed)
        if not len(rows):
            return self.node_bound(data, node)
        members, sizes = classes.members_of(rows), classes.sizes[rows]
        bits = sum(
            float((logs[j][level][column.lookup[level][members[:, j]]] * sizes).sum())
            for j, (column, level) in enumerate(zip(data.encoded, node, strict=True))
        )
        hidden = int(sizes.sum()) * len(node) * float(np.log2(data.rows))
        return self.node_bound(data, node) - bits + hidden

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """Generalising only grows c(g) and suppression costs the top level's c = N, so the
        value with nothing suppressed bounds every generalisation."""
        return self.node_bound(data, node)

    def node_bound(self, data: Encoded, node: Sequence[int]) -> float:
        base, _, means = self._prepare(data)
        return base + float(sum(m[level] for m, level in zip(means, node, strict=True)))

    def node_bounds(self, data: Encoded, levels: np.ndarray) -> np.ndarray:
        base, _, means = self._prepare(data)
        return base + np.sum([m[levels[:, j]] for j, m in enumerate(means)], axis=0)


class AverageClassSize:
    """AECS as ARX computes it: rows / classes, with all suppressed rows counted as one extra
    class (LeFevre et al., unnormalised), so fewer and larger classes score worse."""

    name = "AECS"

    def __call__(
        self, data: Encoded, node: Sequence[int], classes: Classes, suppressed: np.ndarray
    ) -> float:
        kept = int((~suppressed).sum())
        return data.rows / (kept + (1 if suppressed.any() else 0))

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """Generalising only merges classes and the suppressed ones count as at most one."""
        return data.rows / len(classes.sizes)

    def node_bound(self, data: Encoded, node: Sequence[int]) -> None:
        return None

    def node_bounds(self, data: Encoded, levels: np.ndarray) -> None:
        return None
