"""One call from a frame and settings to a record-level release: search the optimal node,
publish it (generalise, suppress the classes the models reject) and say what was done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.anonymize.apply import generalize_frame
from transforms.anonymize.encode import Classes
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.metrics import Metric
from transforms.anonymize.models import PrivacyModel, sensitive_columns
from transforms.anonymize.search import SearchResult, anonymize_search
from transforms.anonymize.sensitive import SensitiveCounts, sensitive_codes


@dataclass(frozen=True)
class Anonymised:
    """The published rows (QIs generalised, suppressed records removed) and the search's
    account of the chosen node."""

    frame: pl.DataFrame
    result: SearchResult


def anonymize_frame(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    models: Sequence[PrivacyModel],
    max_suppression: float = 0.0,
    metric: Metric | None = None,
    counts: pl.DataFrame | None = None,
) -> Anonymised:
    """Optimal full-domain release of ``frame`` meeting every model with at most
    ``max_suppression`` (a share of the rows) removed; the search starts from ``counts`` when
    given (the frame's class counts, merged from its partitions)."""
    for model in models:
        model.check_frame(frame)
    found = anonymize_search(frame, hierarchies, models, max_suppression, metric, counts)
    return Anonymised(publish_node(frame, hierarchies, found.levels, models), found)


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
