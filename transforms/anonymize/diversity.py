"""l-diversity (Machanavajjhala et al.): every published class holds enough different sensitive
values that knowing someone's class does not reveal their value."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import polars as pl

from transforms.anonymize.encode import Classes, Encoded
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.models import TOLERANCE, PrivacyModel
from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_recursive_cl,
)
from transforms.anonymize.sensitive import SensitiveCounts

#: Tolerance for float comparisons of entropies, so a class exactly at the bound passes.
_EPS = 1e-12


def _counts(classes: Classes, column: str) -> SensitiveCounts:
    counted = classes.sensitive.get(column)
    if counted is None:
        raise AnonymizationError(
            f"sensitive attribute '{column}' was not encoded: pass it to encode(sensitive=...)"
        )
    return counted


def check_values(data: Encoded, column: str, l: float) -> None:  # noqa: E741
    """Refuse an l the column cannot reach even with every row in one class."""
    counted = data.sensitive.get(column)
    if counted is not None and counted.values < l:
        raise AnonymizationError(
            f"'{column}' has {counted.values} distinct values in the data, so no class can "
            f"hold {l:g}; lower l or choose another sensitive attribute"
        )


def _check_l(l: float) -> None:  # noqa: E741
    if l < 2:
        raise AnonymizationError(
            f"l must be at least 2: a class with a single sensitive value reveals it (got {l:g})"
        )


class _Diversity(PrivacyModel):
    """What the l-diversity variants share: a sensitive column, an l, one gate check."""

    column: str
    l: float  # noqa: E741
    kind: ClassVar[str]
    check = "l_diversity"

    @property
    def name(self) -> str:
        return f"{self.kind}-l-diversity:{self.column}"

    def required(self) -> dict[str, Any]:
        return {"l": self.l}

    def render(self) -> str:
        return f"{self.kind} l={self.l:g} on {self.column}"

    def holds(self, value: float) -> bool:
        return value >= self.l - TOLERANCE

    def explain(self, value: float) -> str:
        return f"{self.kind} l of '{self.column}' is {value:g}, {self.l:g} required"

    def figures(self, value: float | None) -> dict[str, Any]:
        found = {} if value is None else {"achieved": value}
        return {"column": self.column, "kind": self.kind, "required": float(self.l), **found}


@dataclass(frozen=True)
class DistinctLDiversity(_Diversity):
    """At least l distinct sensitive values per class. Merging classes never lowers a class's
    count of distinct values, so the model stays monotonic with record suppression."""

    column: str
    l: int  # noqa: E741
    kind = "distinct"

    def __post_init__(self) -> None:
        _check_l(self.l)

    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        return measure_distinct_l(frame, qis, self.column)

    @property
    def min_class_size(self) -> int:
        return self.l

    def failing(self, classes: Classes) -> np.ndarray:
        return _counts(classes, self.column).distinct(len(classes.sizes)) < self.l

    def check_data(self, data: Encoded, max_suppressed: int) -> None:
        check_values(data, self.column, self.l)


def class_entropy(classes: Classes, column: str) -> np.ndarray:
    """Shannon entropy (natural log) of each class's sensitive values."""
    counted = _counts(classes, column)
    sizes = classes.sizes.astype(np.float64)
    c = counted.count.astype(np.float64)
    weighted = np.bincount(counted.group, weights=c * np.log(c), minlength=len(sizes))
    return np.log(sizes) - weighted / sizes


@dataclass(frozen=True)
class EntropyLDiversity(_Diversity):
    """Entropy of each class's sensitive values at least log(l): stricter than distinct
    l-diversity when one value dominates. A class merged with a failing one can fail, so with
    record suppression the model is not monotonic and the search checks every node."""

    column: str
    l: float  # noqa: E741
    monotonic = False
    kind = "entropy"

    def __post_init__(self) -> None:
        if self.l < 1:
            raise AnonymizationError(f"entropy l must be at least 1, got {self.l}")

    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        return measure_entropy_l(frame, qis, self.column)

    @property
    def min_class_size(self) -> int:
        return math.ceil(self.l - _EPS)

    def failing(self, classes: Classes) -> np.ndarray:
        return class_entropy(classes, self.column) < math.log(self.l) - _EPS

    def check_data(self, data: Encoded, max_suppressed: int) -> None:
        check_values(data, self.column, self.l)


@dataclass(frozen=True)
class RecursiveCLDiversity(_Diversity):
    """Recursive (c,l)-diversity: with a class's value counts r_1 >= r_2 >= ... >= r_m, the
    most frequent value is rarer than c times the l-th and less frequent ones together,
    r_1 < c (r_l + ... + r_m), so removing l - 2 values still leaves the class diverse."""

    column: str
    c: float
    l: int  # noqa: E741
    monotonic = False
    kind = "recursive"

    def __post_init__(self) -> None:
        _check_l(self.l)
        if self.c <= 0:
            raise AnonymizationError(f"c must be positive, got {self.c}")

    def required(self) -> dict[str, Any]:
        return {"c": self.c, "l": self.l}

    def render(self) -> str:
        return f"recursive (c={self.c:g}, l={self.l:g}) on {self.column}"

    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        """c*: the model holds for every c above it."""
        return measure_recursive_cl(frame, qis, self.column, self.l)

    def holds(self, value: float) -> bool:
        return value < self.c

    def explain(self, value: float) -> str:
        return (
            f"recursive ({self.c:g},{self.l:g})-diversity of '{self.column}': c*={value:g}, "
            f"below {self.c:g} required"
        )

    def figures(self, value: float | None) -> dict[str, Any]:
        found = {} if value is None else {"c_required": self.c, "c_achieved": value}
        return {"column": self.column, "kind": self.kind, "required": float(self.l), **found}

    @property
    def min_class_size(self) -> int:
        return self.l

    def failing(self, classes: Classes) -> np.ndarray:
        counted = _counts(classes, self.column)
        groups = len(classes.sizes)
        order = np.lexsort((-counted.count, counted.group))
        group, count = counted.group[order], counted.count[order]
        starts = np.searchsorted(group, np.arange(groups))
        rank = np.arange(len(group)) - starts[group] + 1
        top = np.zeros(groups, dtype=np.int64)
        first = rank == 1
        top[group[first]] = count[first]
        tail = np.bincount(group, weights=np.where(rank >= self.l, count, 0), minlength=groups)
        return ~(top < self.c * tail)

    def check_data(self, data: Encoded, max_suppressed: int) -> None:
        check_values(data, self.column, self.l)
