"""Privacy models (criteria, as ARX calls them), each one type for every use: the policy states
them, the search asks which classes fail (``failing``), and the egress gate and the
`sluice anonymize` report measure a published table (``measure``), judge the value against the
requirement (``holds``) and say why it falls short (``explain``)."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import polars as pl

from transforms.anonymize.encode import Classes, Encoded
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.privacy_check import measure_k
from transforms.errors import TransformError
from transforms.gate_check import Check

TOLERANCE = 1e-9
"""How far a value measured on a published table may miss its requirement by floating-point
error alone; the gate and the report both judge with it."""


class PrivacyModel(ABC):
    """A condition every published class must meet; failing classes are suppressed whole."""

    #: True if a node satisfying the model implies all its generalisations do (lets the search
    #: skip checks); models such as t-closeness may set this to False.
    monotonic: bool = True
    #: True when only the sizes of the classes decide (k-anonymity and release environments):
    #: the models local recoding can keep.
    sizes_only: ClassVar[bool] = False
    #: The release environment whose risk threshold the model stands for, if any.
    environment: str | None = None
    #: The name of the egress gate's check of this model.
    check: ClassVar[str]

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

    def check_frame(self, frame: pl.DataFrame) -> None:  # noqa: B027
        """Raise early for a table the model cannot judge (optional)."""

    @property
    @abstractmethod
    def name(self) -> str:
        """How reports name the model, e.g. ``distinct-l-diversity:diagnosis``."""

    @abstractmethod
    def required(self) -> dict[str, Any]:
        """The model's parameters, as reports show what was required."""

    @abstractmethod
    def render(self) -> str:
        """A short phrase for plans, e.g. ``distinct l=3 on diagnosis``."""

    @abstractmethod
    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        """The model's value on a published table, measured by code the search does not use;
        ``reference`` holds the records before anonymisation, for models that compare."""

    @abstractmethod
    def holds(self, value: float) -> bool:
        """Whether a measured value meets the requirement (within ``TOLERANCE``)."""

    @abstractmethod
    def explain(self, value: float) -> str:
        """Why a measured value falls short, in a sentence a data engineer can act on."""

    def figures(self, value: float | None) -> dict[str, Any]:
        """What the gate records: required and, when measured, achieved."""
        return {"required": self.required(), **({} if value is None else {"achieved": value})}

    def judge(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> Check:
        """The gate's check of a published table; a table that cannot be measured is refused
        with the reason, never a crash."""
        try:
            value = self.measure(frame, qis, reference)
        except TransformError as exc:
            return Check(self.check, False, self.figures(None), str(exc))
        ok = self.holds(value)
        return Check(self.check, ok, self.figures(value), "" if ok else self.explain(value))

    def report(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> dict[str, Any]:
        """The report's entry: name, requirement, value measured on the table, and verdict."""
        if frame.height == 0:
            return {"model": self.name, "required": self.required(), "achieved": None}
        value = self.measure(frame, qis, reference)
        finite = value != math.inf
        shown: Any = round(value, 6) if isinstance(value, float) and finite else value
        return {
            "model": self.name,
            "required": self.required(),
            "achieved": shown if finite else "inf",
            "holds": self.holds(value),
        }


@dataclass(frozen=True)
class KAnonymity(PrivacyModel):
    """Every published class has at least k rows, so no record hides among fewer than k.

    >>> classes = Classes(np.array([1, 2, 3]), np.zeros((3, 1), dtype=np.int64))
    >>> KAnonymity(2).failing(classes).tolist()
    [True, False, False]
    """

    k: int
    sizes_only = True
    check = "k_anonymity"

    def __post_init__(self) -> None:
        if self.k < 1:
            raise AnonymizationError(f"k must be at least 1, got {self.k}")

    @property
    def min_class_size(self) -> int:
        return self.k

    def failing(self, classes: Classes) -> np.ndarray:
        return classes.sizes < self.k

    @property
    def name(self) -> str:
        return "k-anonymity"

    def required(self) -> dict[str, Any]:
        return {"k": self.k}

    def render(self) -> str:
        return f"k={self.k}"

    def measure(
        self, frame: pl.DataFrame, qis: list[str], reference: pl.DataFrame | None = None
    ) -> float:
        return measure_k(frame, qis)

    def holds(self, value: float) -> bool:
        return value >= self.k

    def explain(self, value: float) -> str:
        return f"smallest class has {value} row(s), k={self.k} required"

    def figures(self, value: float | None) -> dict[str, Any]:
        return {"required": self.k, **({} if value is None else {"achieved": value})}

    def check_feasible(self, rows: int, max_suppressed: int) -> None:
        if self.k > rows and max_suppressed < rows:
            raise AnonymizationError(
                f"k={self.k} is larger than the {rows} rows of the data: no generalisation can "
                f"put {self.k} rows in a class; lower k or allow suppressing all rows"
            )


def class_floor(models: Sequence[PrivacyModel]) -> KAnonymity | None:
    """The one k-anonymity every size-only model adds up to (the largest k), or None."""
    ks = [m.min_class_size for m in models if m.sizes_only]
    return KAnonymity(max(ks)) if ks else None


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
