"""Microdata product: the resource's records with quasi-identifiers generalised along their
hierarchies and rare combinations suppressed, by the optimal full-domain search.

Quasi-identifiers are matched to hierarchies as text (a null becomes MISSING, generalised to
"*" with everything else); included and sensitive columns keep their type, so numbers keep
their order for ordered t-closeness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from transforms.anonymize import (
    METRICS,
    Hierarchy,
    PrivacyModel,
    SearchResult,
    anonymize_frame,
    load_hierarchy,
)
from transforms.anonymize.builders import (
    date_hierarchy,
    district_hierarchy,
    interval_hierarchy,
    masking_hierarchy,
    suppression_hierarchy,
)
from transforms.anonymize.encode import class_counts
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.local import LocalRecoding, recode_locally
from transforms.anonymize.models import class_floor, max_suppressed, sensitive_columns
from transforms.gate_check import Check
from transforms.linkage.hierarchy import knowledge_hierarchy
from transforms.linkage.known import Knowledge

MISSING = "(missing)"
"""How a null quasi-identifier value is shown; built-in hierarchies generalise it to "*"."""

Form = Literal["suppress", "intervals", "dates", "district", "masking", "file", "known"]


@dataclass(frozen=True)
class QuasiIdentifier:
    """A quasi-identifier column and the hierarchy it is coarsened along."""

    column: str
    form: Form = "suppress"
    widths: tuple[float, ...] = ()
    date_levels: tuple[str, ...] = ()
    path: Path | None = None
    separator: str = ";"
    knowledge: Knowledge | None = None
    """For form "known": what an attacker knows of the column from other releases."""


@dataclass(frozen=True)
class Microdata:
    """The records to publish and the search's account of how they were made."""

    frame: pl.DataFrame
    result: SearchResult
    hierarchies: dict[str, Hierarchy] = field(repr=False)
    rows_in: int = 0
    local: LocalRecoding | None = None


def build_microdata(
    frame: pl.DataFrame,
    *,
    qis: Sequence[QuasiIdentifier],
    columns: Sequence[str],
    models: Sequence[PrivacyModel],
    max_suppression: float,
    metric: str = "loss",
    local: bool = False,
    counted: ClassCounter | None = None,
) -> Microdata:
    """Anonymise `frame` to the quasi-identifiers plus `columns` (included and sensitive ones,
    published as they are); raises AnonymizationError when no release meets the models.
    `counted` gives the class counts the search starts from, added up from the partitions of
    the rows where they lie (`partition_classes` on each)."""
    names = [q.column for q in qis]
    extra = [c for c in dict.fromkeys(columns) if c not in names]
    table = frame.select(*_as_text(names), *extra)
    hierarchies = {q.column: hierarchy_for(q, table[q.column]) for q in qis}
    if metric not in METRICS:
        raise AnonymizationError(f"unknown metric '{metric}'; known: {', '.join(METRICS)}")
    counts = counted(names, sensitive_columns(models)) if counted is not None else None
    release = anonymize_frame(
        table, hierarchies, models, max_suppression, METRICS[metric](), counts
    )
    if not local:
        return Microdata(release.frame, release.result, hierarchies, table.height)
    floor = class_floor(models)
    if floor is None or not all(m.sizes_only for m in models):
        raise AnonymizationError("local recoding supports k-anonymity and environments only")
    limit = max_suppressed(max_suppression, table.height)
    recoded = recode_locally(table, hierarchies, floor.k, release.result.levels, limit)
    return Microdata(recoded.frame, release.result, hierarchies, table.height, recoded)


ClassCounter = Callable[[list[str], list[str]], pl.DataFrame]
"""Class counts of the rows by quasi-identifiers and sensitive columns, merged from the
partitions of the rows."""


def partition_classes(
    frame: pl.LazyFrame, *, qis: Sequence[str], sensitive: Sequence[str]
) -> pl.DataFrame:
    """One partition's class counts, its quasi-identifiers as `build_microdata` matches them
    to hierarchies (text, a null as MISSING).

    >>> lf = pl.LazyFrame({"age": [30, 30, None], "disease": ["flu", "flu", "cold"]})
    >>> partition_classes(lf, qis=["age"], sensitive=["disease"]).sort("age").rows()
    [('(missing)', 'cold', 1), ('30', 'flu', 2)]
    """
    return class_counts(frame.select(*_as_text(qis), *sensitive), [*qis, *sensitive])


def _as_text(columns: Sequence[str]) -> list[pl.Expr]:
    return [pl.col(c).cast(pl.String).fill_null(MISSING) for c in columns]


def hierarchy_for(qi: QuasiIdentifier, values: pl.Series) -> Hierarchy:
    """The hierarchy of one quasi-identifier for the values it actually has."""
    if qi.form == "file":
        if qi.path is None:
            raise AnonymizationError(f"hierarchy of '{qi.column}' needs a file")
        try:
            return load_hierarchy(qi.path, qi.column, qi.separator)
        except FileNotFoundError:
            raise AnonymizationError(
                f"hierarchy file of '{qi.column}' not found: {qi.path}"
            ) from None
        except UnicodeDecodeError:
            raise AnonymizationError(
                f"hierarchy file of '{qi.column}' is not UTF-8: {qi.path}"
            ) from None
    found = [v for v in values.unique().to_list() if v != MISSING]
    if qi.form == "intervals":
        built = interval_hierarchy(qi.column, found, qi.widths)
    elif qi.form == "dates":
        built = date_hierarchy(qi.column, found, qi.date_levels)
    elif qi.form == "district":
        built = district_hierarchy(qi.column, found)
    elif qi.form == "masking":
        built = masking_hierarchy(qi.column, found)
    elif qi.form == "known" and qi.knowledge is not None:
        built = knowledge_hierarchy(qi.knowledge, found)
    else:
        built = suppression_hierarchy(qi.column, found)
    return _with_missing(built) if MISSING in values else built


def _with_missing(hierarchy: Hierarchy) -> Hierarchy:
    """Add MISSING: kept as itself below the top level, "*" at it."""
    top = hierarchy.height
    levels = [{**level, MISSING: "*" if n == top else MISSING}
              for n, level in enumerate(hierarchy.levels)]  # fmt: skip
    return Hierarchy(hierarchy.column, levels)


def anonymisation_account(built: Microdata, checks: Sequence[Check]) -> dict[str, Any]:
    """How the records were anonymised (the search's account) next to what the gate measured
    on the published rows (required and achieved per privacy model, risk before and after)."""
    found = built.result
    measured = [c for c in checks if "required" in c.figures]
    risk = next(c.figures for c in checks if c.name == "re_identification_risk")
    models = [{"model": c.name, **c.figures} for c in measured]
    if risk["environment"] is not None:
        models.append(
            {
                "model": "environment",
                "environment": risk["environment"],
                "required": risk["threshold"],
                "achieved": risk["after"]["prosecutor_max_risk"],
            }
        )
    account = {
        "quasi_identifiers": [
            {"column": c, "level": found.levels[c], "top_level": h.height}
            for c, h in built.hierarchies.items()
        ],
        "privacy_models": models,
        "rows_in": built.rows_in,
        "suppressed_rows": found.suppressed,
        "classes": found.classes,
        "min_class_size": found.min_class,
        "avg_class_size": round(found.mean_class, 4),
        "metric": {"name": found.metric, "value": found.value},
        "environment": risk["environment"],
        "risk_before": risk["before"],
        "risk_after": risk["after"],
        "search": {
            "nodes_checked": found.nodes_checked,
            "nodes_total": found.nodes_total,
            "runtime_ms": round(found.runtime_ms, 1),
        },
    }
    if built.local is not None:
        local = built.local
        account.update(
            suppressed_rows=local.suppressed,
            classes=local.classes,
            min_class_size=local.min_class,
            avg_class_size=round(local.mean_class, 4),
            local_recoding={
                "dm": local.dm,
                "levels_used": {c: {str(lv): n for lv, n in used.items()}
                                for c, used in local.levels_used.items()},
                "note": "quasi_identifiers[].level is the full-domain start; rows are refined "
                "from it class by class, so a column mixes the levels in levels_used",
            },
        )  # fmt: skip
    return account
