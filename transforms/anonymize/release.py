"""One call from a frame and settings to a record-level release: search the optimal node,
publish it (generalise, suppress the classes the models reject) and say what was done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.anonymize.apply import generalize_frame
from transforms.anonymize.closeness import TCloseness
from transforms.anonymize.diversity import (
    DistinctLDiversity,
    EntropyLDiversity,
    RecursiveCLDiversity,
)
from transforms.anonymize.encode import Classes
from transforms.anonymize.environment import ReleaseEnvironment
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.metrics import Metric
from transforms.anonymize.models import KAnonymity, PrivacyModel, sensitive_columns
from transforms.anonymize.search import SearchResult, anonymize_search
from transforms.anonymize.sensitive import SensitiveCounts, sensitive_codes


@dataclass(frozen=True)
class Release:
    """The published rows (QIs generalised, suppressed records removed) and the search's
    account of the chosen node."""

    frame: pl.DataFrame
    result: SearchResult


def environment_model(environment: str) -> ReleaseEnvironment:
    """The model of a release environment by its name in policies and the CLI.

    >>> environment_model("controlled").k
    5
    """
    return ReleaseEnvironment(environment=environment)


def diversity_model(column: str, kind: str, l: float, c: float | None = None) -> PrivacyModel:  # noqa: E741
    """The l-diversity model of one sensitive column by its name in policies and the CLI."""
    if kind == "entropy":
        return EntropyLDiversity(column, l)
    if not float(l).is_integer():
        raise AnonymizationError(f"{kind} l-diversity needs a whole number l (got {l:g})")
    if kind == "recursive":
        if c is None:
            raise AnonymizationError("recursive l-diversity needs 'c' (e.g. c: 3)")
        return RecursiveCLDiversity(column, c, int(l))
    if kind != "distinct":
        raise AnonymizationError(f"unknown l-diversity kind '{kind}': distinct, entropy, recursive")
    return DistinctLDiversity(column, int(l))


def privacy_models(
    k: int | None = None,
    environment: str | None = None,
    diversity: Sequence[tuple[str, str, float, float | None]] = (),
    closeness: Sequence[tuple[str, float, bool]] = (),
) -> list[PrivacyModel]:
    """Models from settings: k, a release environment, (column, kind, l, c) diversities and
    (column, t, ordered) closenesses, in that order."""
    models: list[PrivacyModel] = []
    if k is not None:
        models.append(KAnonymity(k))
    if environment is not None:
        models.append(environment_model(environment))
    models += [diversity_model(*d) for d in diversity]
    models += [TCloseness(column, t, ordered) for column, t, ordered in closeness]
    return models


def _check_ordered(frame: pl.DataFrame, models: Sequence[PrivacyModel]) -> None:
    for model in models:
        if isinstance(model, TCloseness) and model.ordered:
            column = model.column
            if column in frame.columns and frame[column].null_count():
                raise AnonymizationError(
                    f"ordered t-closeness on '{column}' needs a value in every row, "
                    f"{frame[column].null_count()} are empty; use equal distance or fill them"
                )


def anonymize_frame(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    models: Sequence[PrivacyModel],
    max_suppression: float = 0.0,
    metric: Metric | None = None,
) -> Release:
    """Optimal full-domain release of ``frame`` meeting every model with at most
    ``max_suppression`` (a share of the rows) removed."""
    _check_ordered(frame, models)
    found = anonymize_search(frame, hierarchies, models, max_suppression, metric)
    return Release(publish_node(frame, hierarchies, found.levels, models), found)


def publish_node(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    levels: Mapping[str, int],
    models: Sequence[PrivacyModel],
) -> pl.DataFrame:
    """Generalise to ``levels`` and drop every class a model rejects, judged on the
    generalised rows themselves (so the suppression matches what is published)."""
    generalised = generalize_frame(frame, hierarchies, levels)
    failing = failing_rows(generalised, list(hierarchies), models)
    return generalised.filter(~pl.Series(failing))


def failing_rows(frame: pl.DataFrame, qis: list[str], models: Sequence[PrivacyModel]) -> np.ndarray:
    """Per row: does its class (rows with equal QI values) fail any model?"""
    keyed = frame.select(qis).with_row_index("_row")
    classes = keyed.select(qis).unique(maintain_order=True).with_row_index("_class")
    row_class = (
        keyed.join(classes, on=qis, nulls_equal=True)
        .sort("_row")["_class"]
        .to_numpy()
        .astype(np.int64)
    )
    counted = {}
    for column in sensitive_columns(models):
        expr, values = sensitive_codes(frame, column)
        pairs = (
            frame.select(expr)
            .with_columns(_class=pl.Series(row_class))
            .group_by("_class", column)
            .len()
            .sort("_class", column)
        )
        counted[column] = SensitiveCounts(
            pairs["_class"].to_numpy().astype(np.int64),
            pairs[column].to_numpy().astype(np.int64),
            pairs["len"].to_numpy().astype(np.int64),
            values,
        )
    sizes = np.bincount(row_class, minlength=classes.height).astype(np.int64)
    grouped = Classes(sizes, np.empty((len(sizes), 0), dtype=np.int64), None, counted)
    mask = np.zeros(len(sizes), dtype=bool)
    for model in models:
        mask |= model.failing(grouped)
    return mask[row_class]
