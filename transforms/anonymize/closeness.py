"""t-closeness (Li et al.): each published class's sensitive distribution stays within Earth
Mover's Distance t of the whole table's, so a class tells little beyond the table itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from transforms.anonymize.diversity import _counts
from transforms.anonymize.encode import Classes
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.models import TOLERANCE, PrivacyModel
from transforms.anonymize.privacy_check import measure_t_closeness
from transforms.anonymize.sensitive import SensitiveCounts
from transforms.errors import TransformError

#: Classes per block when the ordered distance is computed densely (block x values floats).
_CELLS = 4_000_000
_EPS = 1e-12


def equal_distance(counted: SensitiveCounts, sizes: np.ndarray) -> np.ndarray:
    """EMD with every two values at distance 1: half the L1 distance between the class's
    distribution and the table's, summed over the values the class holds plus the table's
    mass on the values it lacks."""
    q = counted.distribution()
    p = counted.count / sizes[counted.group]
    groups = len(sizes)
    diff = np.bincount(counted.group, weights=np.abs(p - q[counted.value]), minlength=groups)
    held = np.bincount(counted.group, weights=q[counted.value], minlength=groups)
    return np.maximum(0.5 * (diff + 1.0 - held), 0.0)


def ordered_distance(counted: SensitiveCounts, sizes: np.ndarray) -> np.ndarray:
    """EMD with values in sort order at distance |i - j| / (m - 1): the summed absolute
    difference of the cumulative distributions, divided by m - 1."""
    m = counted.values
    groups = len(sizes)
    if m == 1:
        return np.zeros(groups)
    q = counted.distribution()
    out = np.empty(groups)
    block = max(1, _CELLS // m)
    bounds = np.searchsorted(counted.group, np.arange(0, groups + block, block))
    for i, start in enumerate(range(0, groups, block)):
        stop = min(start + block, groups)
        lo, hi = bounds[i], bounds[i + 1]
        dense = np.zeros((stop - start, m))
        rows = counted.group[lo:hi] - start
        dense[rows, counted.value[lo:hi]] = counted.count[lo:hi] / sizes[counted.group[lo:hi]]
        dense -= q
        out[start:stop] = np.abs(np.cumsum(dense, axis=1)).sum(axis=1) / (m - 1)
    return out


@dataclass(frozen=True)
class TCloseness(PrivacyModel):
    """Every class within EMD t of the table's distribution of ``column``: ``ordered`` for
    values with an order (amounts, grades), equal distance for categories. A class merged with
    a failing one can fail, so with record suppression the search checks every node."""

    column: str
    t: float
    ordered: bool = False
    monotonic = False
    check = "t_closeness"

    def __post_init__(self) -> None:
        if not 0.0 <= self.t <= 1.0:
            raise AnonymizationError(f"t is a distance between 0 and 1 (got {self.t:g})")

    def check_frame(self, frame: pl.DataFrame) -> None:
        """Ordered distances need every value in its place in the order."""
        if self.ordered and self.column in frame.columns and frame[self.column].null_count():
            raise AnonymizationError(
                f"ordered t-closeness on '{self.column}' needs a value in every row, "
                f"{frame[self.column].null_count()} are empty; use equal distance or fill them"
            )

    @property
    def distance(self) -> str:
        return "ordered" if self.ordered else "equal"

    @property
    def name(self) -> str:
        return f"t-closeness-{self.distance}:{self.column}"

    def required(self) -> dict[str, Any]:
        return {"t": self.t, "ordered": self.ordered}

    def render(self) -> str:
        return f"{self.distance} t={self.t:g} on {self.column}"

    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        """The largest distance of a class to ``reference`` (the records before
        anonymisation), or to the table itself without one."""
        if reference is not None and self.column not in reference.columns:
            raise TransformError(f"the records before anonymisation lack '{self.column}'")
        column = None if reference is None else reference[self.column]
        return measure_t_closeness(frame, qis, self.column, ordered=self.ordered, reference=column)

    def holds(self, value: float) -> bool:
        return value <= self.t + TOLERANCE

    def explain(self, value: float) -> str:
        return f"{self.distance} t of '{self.column}' is {value:.4f}, at most {self.t:g} required"

    def figures(self, value: float | None) -> dict[str, Any]:
        found = {} if value is None else {"achieved": value}
        return {"column": self.column, "distance": self.distance, "required": self.t, **found}

    def distances(self, classes: Classes) -> np.ndarray:
        """EMD of every class to the table."""
        counted = _counts(classes, self.column)
        measure = ordered_distance if self.ordered else equal_distance
        return measure(counted, classes.sizes.astype(np.float64))

    def failing(self, classes: Classes) -> np.ndarray:
        return self.distances(classes) > self.t + _EPS
