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

from flows.errors import BuildError
from flows.files.atomic import write_atomically
from flows.files.ingest import require_file
from transforms.anonymize import (
    METRICS,
    Hierarchy,
    PrivacyModel,
    SearchResult,
    anonymize_frame,
    load_hierarchy,
    max_suppressed,
    privacy_models,
)
from transforms.anonymize.builders import suppression_hierarchy
from transforms.anonymize.local import LocalRecoding, recode_locally
from transforms.anonymize.models import class_floor
from transforms.anonymize.report import (
    achieved,
    environment_figures,
    risk_figures,
    sensitive_measures,
)
from transforms.anonymize.risk import RISK_THRESHOLDS

L_KINDS = ("distinct", "entropy", "recursive")
T_DISTANCES = ("equal", "ordered")


@dataclasses.dataclass(frozen=True)
class Settings:
    """What `sluice anonymize` is asked to guarantee; l and t apply to every sensitive column."""

    k: int | None = None
    l: float | None = None  # noqa: E741
    l_kind: str = "distinct"
    c: float | None = None
    t: float | None = None
    t_distance: str = "equal"
    environment: str | None = None
    sensitive: tuple[str, ...] = ()
    local: bool = False

    def models(self) -> list[PrivacyModel]:
        """The privacy models these settings ask for, refusing incoherent combinations."""
        if (self.l is not None or self.t is not None) and not self.sensitive:
            raise BuildError("--l and --t need --sensitive COL: the column they protect")
        if self.l_kind not in L_KINDS:
            raise BuildError(f"--l-kind must be one of {', '.join(L_KINDS)}, not '{self.l_kind}'")
        if self.t_distance not in T_DISTANCES:
            raise BuildError(
                f"--t-distance must be one of {', '.join(T_DISTANCES)}, not '{self.t_distance}'"
            )
        if self.environment is not None and self.environment not in RISK_THRESHOLDS:
            raise BuildError(
                f"--environment must be one of {', '.join(RISK_THRESHOLDS)}, "
                f"not '{self.environment}'"
            )
        if self.l_kind == "recursive" and self.l is not None and self.c is None:
            raise BuildError("--l-kind recursive needs --c (e.g. --c 3)")
        models = privacy_models(
            self.k,
            self.environment,
            [(c, self.l_kind, self.l, self.c) for c in self.sensitive if self.l is not None],
            [
                (c, self.t, self.t_distance == "ordered")
                for c in self.sensitive
                if self.t is not None
            ],
        )
        if not models:
            raise BuildError(
                "no privacy model: give --k, --environment, or --l/--t with --sensitive"
            )
        if self.local and not all(m.sizes_only for m in models):
            raise BuildError(
                "--local supports k-anonymity only (--k or --environment): a split can break "
                "l-diversity or t-closeness; drop --local for --l and --t"
            )
        return models


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
    settings: Settings,
    max_suppression: float = 0.0,
    metric: str = "loss",
    separator: str = ",",
) -> dict[str, Any]:
    """Search the optimal node, write the anonymised rows (suppressed ones removed) and return
    the report. Every achieved value in the report is measured on the written rows by code
    independent of the search."""
    started = time.perf_counter()
    models = settings.models()
    frame = read_table(source, separator)
    missing = [c for c in settings.sensitive if c not in frame.columns]
    if missing:
        raise BuildError(f"--sensitive: no column {', '.join(missing)} in {source}")
    frame = _numeric_sensitive(frame, settings.sensitive)
    hierarchies = parse_qis(qis, frame, separator)
    names = list(hierarchies)
    release = anonymize_frame(frame, hierarchies, models, max_suppression, METRICS[metric]())
    found, result = release.result, release.frame
    local = None
    if settings.local:
        limit = max_suppressed(max_suppression, frame.height)
        floor = class_floor(models)
        assert floor is not None  # Settings.models() allows --local with size models only
        local = recode_locally(frame, hierarchies, floor.k, found.levels, limit)
        result = local.frame
    write_atomically(out, result.write_parquet)
    report = {
        "input": str(source),
        "output": str(out),
        "rows_in": frame.height,
        "rows_out": result.height,
        "quasi_identifiers": names,
        "sensitive": list(settings.sensitive),
        "levels": found.levels,
        "suppressed_rows": found.suppressed,
        "equivalence_classes": found.classes,
        "min_class_size": found.min_class,
        "avg_class_size": found.mean_class,
        "metric": {"name": metric, "value": found.value},
        "privacy_models": achieved(result, frame, names, models),
        "sensitive_measures": sensitive_measures(result, frame, names, settings.sensitive),
        "environment": environment_figures(result, names, settings.environment),
        "risk_before": risk_figures(frame, names, settings.environment, settings.k),
        "risk_after": risk_figures(result, names, settings.environment, settings.k),
        "search": {"nodes_checked": found.nodes_checked, "nodes_total": found.nodes_total,
                   "ties": found.ties, "runtime_ms": round(found.runtime_ms, 1)},
        "runtime_ms": round((time.perf_counter() - started) * 1000, 1),
    }  # fmt: skip
    if local is not None:
        report.update(_local_report(local, found))
    return report


def _local_report(local: LocalRecoding, found: SearchResult) -> dict[str, Any]:
    """Local recoding replaces the classes and suppression of the full-domain optimum, which
    stays in the report as the starting point it improved on."""
    return {
        "suppressed_rows": local.suppressed,
        "equivalence_classes": local.classes,
        "min_class_size": local.min_class,
        "avg_class_size": local.mean_class,
        "local_recoding": {
            "dm": local.dm,
            "levels_used": local.levels_used,
            "full_domain": {"levels": found.levels, "suppressed_rows": found.suppressed,
                            "equivalence_classes": found.classes,
                            "metric": {"name": found.metric, "value": found.value}},
        },
    }  # fmt: skip


def _numeric_sensitive(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Sensitive columns that are all numbers become numbers, so ordered t-closeness and the
    report order them by value, not as text."""
    casts = []
    for column in columns:
        parsed = frame[column].cast(pl.Float64, strict=False)
        if parsed.null_count() == frame[column].null_count():
            casts.append(parsed.alias(column))
    return frame.with_columns(casts) if casts else frame


def write_report(report: dict[str, Any], path: Path) -> None:
    """The report as JSON, written whole or not at all."""
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, "utf-8"))
