"""Privacy models judged on equivalence classes, with whole-class record suppression."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transforms.anonymize.encode import Classes, Encoded
from transforms.anonymize.errors import AnonymizationError


class PrivacyModel(ABC):
    """A condition every published class must meet; failing classes are suppressed whole."""

    #: True if a node satisfying the model implies all its generalisations do (lets the search
    #: skip checks); models such as t-closeness may set this to False.
    monotonic: bool = True

    @property
    def min_class_size(self) -> int:
        """Rows every published class must have (lets metrics tighten their bounds)."""
        return 1

    @abstractmethod
    def failing(self, classes: Classes) -> np.ndarray:
        """Boolean mask of classes that violate the model."""

    def check_feasible(self, rows: int, max_suppressed: int) -> None:  # noqa: B027
        """Raise early for settings no generalisation can meet (optional)."""

    def check_data(self, data: Encoded, max_suppressed: int) -> None:
        """Like ``check_feasible``, for models that need to see the encoded data."""
        self.check_feasible(data.rows, max_suppressed)


@dataclass(frozen=True)
class KAnonymity(PrivacyModel):
    """Every published class has at least k rows, so no record hides among fewer than k.

    >>> classes = Classes(np.array([1, 2, 3]), np.zeros((3, 1), dtype=np.int64))
    >>> KAnonymity(2).failing(classes).tolist()
    [True, False, False]
    """

    k: int

    def __post_init__(self) -> None:
        if self.k < 1:
            raise AnonymizationError(f"k must be at least 1, got {self.k}")

    @property
    def min_class_size(self) -> int:
        return self.k

    def failing(self, classes: Classes) -> np.ndarray:
        return classes.sizes < self.k

    def check_feasible(self, rows: int, max_suppressed: int) -> None:
        if self.k > rows and max_suppressed < rows:
            raise AnonymizationError(
                f"k={self.k} is larger than the {rows} rows of the data: no generalisation can "
                f"put {self.k} rows in a class; lower k or allow suppressing all rows"
            )


def sensitive_columns(models: Sequence[PrivacyModel]) -> list[str]:
    """Columns the models judge (l-diversity, t-closeness), in first-mention order."""
    columns = (getattr(model, "column", None) for model in models)
    return list(dict.fromkeys(c for c in columns if c is not None))


def max_suppressed(fraction: float, rows: int) -> int:
    """Records that may be suppressed: floor(fraction * rows), as ARX allows at most that many.

    >>> max_suppressed(0.05, 30162)
    1508
    """
    if not 0.0 <= fraction <= 1.0:
        raise AnonymizationError(f"suppression limit must be within 0..1, got {fraction}")
    return math.floor(fraction * rows + 1e-9)


@dataclass(frozen=True)
class Verdict:
    """Outcome of one node: which classes are suppressed and whether the node is acceptable."""

    suppressed_classes: np.ndarray
    suppressed: int
    anonymous: bool


def judge(models: list[PrivacyModel], classes: Classes, limit: int) -> Verdict:
    """Suppress every class failing any model; the node passes iff that stays within limit."""
    mask = models[0].failing(classes) if models else np.zeros(len(classes.sizes), dtype=bool)
    for model in models[1:]:
        mask = mask | model.failing(classes)
    suppressed = int(classes.sizes.sum(where=mask))
    return Verdict(mask, suppressed, suppressed <= limit)
