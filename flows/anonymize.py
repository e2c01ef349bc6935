"""`sluice anonymize`: try anonymisation settings on a file quickly, outside any policy, and
get the anonymised file plus a report of what it cost and what it guarantees."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from flows.atomic import write_atomically
from flows.errors import BuildError
from flows.ingest import require_file
from transforms.anonymize import (
    Discernibility,
    Hierarchy,
    KAnonymity,
    Loss,
    anonymize_search,
    apply_node,
    load_hierarchy,
)
from transforms.anonymize.builders import suppression_hierarchy
from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_k,
    measure_t_closeness,
)
from transforms.anonymize.risk import risk_profile

METRICS = {"dm": Discernibility, "loss": Loss}


def read_table(path: Path, separator: str) -> pl.DataFrame:
    """Every column as text: quasi-identifier values are matched to hierarchy rows as written."""
    require_file(path)
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path).cast(pl.String)
        return pl.read_csv(path, separator=separator, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise BuildError(f"{path}: cannot read ({exc})") from None


def parse_qis(specs: Sequence[str], frame: pl.DataFrame, separator: str) -> dict[str, Hierarchy]:
    """COL=HIERARCHY.csv (ARX format) or COL alone (kept or suppressed, nothing between)."""
    hierarchies: dict[str, Hierarchy] = {}
    for spec in specs:
        column, _, file = spec.partition("=")
        if column not in frame.columns:
            raise BuildError(
                f"--qi {spec}: no column '{column}'; columns: {', '.join(frame.columns)}"
            )
        if file:
            require_file(Path(file), f"hierarchy of '{column}'")
            hierarchies[column] = load_hierarchy(file, column, separator)
        else:
            hierarchies[column] = suppression_hierarchy(column, frame[column].unique().to_list())
    return hierarchies


def anonymize_file(
    source: Path,
    out: Path,
    *,
    qis: Sequence[str],
    k: int,
    max_suppression: float = 0.0,
    metric: str = "loss",
    sensitive: Sequence[str] = (),
    separator: str = ",",
) -> dict[str, Any]:
    """Search the optimal node, write the anonymised rows (suppressed ones removed) and return
    the report. Every achieved value in the report is measured on the written rows by code
    independent of the search."""
    started = time.perf_counter()
    frame = read_table(source, separator)
    missing = [c for c in sensitive if c not in frame.columns]
    if missing:
        raise BuildError(f"--sensitive: no column {', '.join(missing)} in {source}")
    hierarchies = parse_qis(qis, frame, separator)
    names = list(hierarchies)
    found = anonymize_search(
        frame, hierarchies, [KAnonymity(k)], max_suppression, METRICS[metric]()
    )
    result = apply_node(frame, hierarchies, found.levels, k)
    write_atomically(out, result.write_parquet)
    return {
        "input": str(source),
        "output": str(out),
        "rows_in": frame.height,
        "rows_out": result.height,
        "quasi_identifiers": names,
        "levels": found.levels,
        "suppressed_rows": found.suppressed,
        "equivalence_classes": found.classes,
        "min_class_size": found.min_class,
        "avg_class_size": found.mean_class,
        "metric": {"name": metric, "value": found.value},
        "privacy_models": _achieved(result, names, k, sensitive),
        "risk_before": _risk(frame, names),
        "risk_after": _risk(result, names),
        "search": {"nodes_checked": found.nodes_checked, "nodes_total": found.nodes_total,
                   "ties": found.ties, "runtime_ms": round(found.runtime_ms, 1)},
        "runtime_ms": round((time.perf_counter() - started) * 1000, 1),
    }  # fmt: skip


def _achieved(frame: pl.DataFrame, qis: list[str], k: int, sensitive: Sequence[str]) -> dict:
    models: dict[str, Any] = {"k_anonymity": {"required": k, "achieved": measure_k(frame, qis)}}
    for column in sensitive:
        models[f"diversity:{column}"] = {
            "distinct_l": measure_distinct_l(frame, qis, column),
            "entropy_l": round(measure_entropy_l(frame, qis, column), 6),
            "t_closeness_equal": round(measure_t_closeness(frame, qis, column, ordered=False), 6),
        }
    return models


def _risk(frame: pl.DataFrame, qis: list[str]) -> dict[str, Any]:
    profile = dataclasses.asdict(risk_profile(frame, qis))
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in profile.items()}


def write_report(report: dict[str, Any], path: Path) -> None:
    """The report as JSON, written whole or not at all."""
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, "utf-8"))
