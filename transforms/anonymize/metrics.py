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


def discernibility(sizes: np.ndarray, suppressed: np.ndarray, rows: int) -> int:
    """DM from class sizes: kept classes cost |class|^2, suppressed rows N each.

    >>> discernibility(np.array([3, 1]), np.array([False, True]), rows=4)
    13
    """
    kept = sizes[~suppressed]
    return int((kept * kept).sum()) + int(sizes[suppressed].sum()) * rows


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
        per_qi = self._per_qi(data, node, classes)
        hidden = classes.sizes[suppressed].sum() / data.rows
        kept_share = _shares(data, node, classes.members[suppressed], classes.sizes[suppressed])
        return _geometric(per_qi - kept_share + hidden)

    def lower_bound(
        self, data: Encoded, node: Sequence[int], classes: Classes, floor: int = 1
    ) -> float:
        """Generalising never lowers a value's leaf count and suppression costs the maximum,
        so the loss with nothing suppressed bounds every generalisation."""
        return _geometric(self._per_qi(data, node, classes))

    def node_bound(self, data: Encoded, node: Sequence[int]) -> float:
        """The same bound from per-level means, computed once per encoded table."""
        if self._means is None or self._means[0] is not data:
            means = [
                np.array([(loss[data.codes[:, j]] * data.counts).sum() for loss in column.loss])
                / data.rows
                for j, column in enumerate(data.encoded)
            ]
            self._means = (data, means)
        return _geometric(np.array([m[lv] for m, lv in zip(self._means[1], node, strict=True)]))

    @staticmethod
    def _per_qi(data: Encoded, node: Sequence[int], classes: Classes) -> np.ndarray:
        return _shares(data, node, classes.members, classes.sizes)


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
