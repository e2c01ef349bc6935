"""The egress gate's checks of a record-level (microdata) release.

The privacy models are measured again on the rows about to leave, with the measures of
transforms/anonymize/privacy_check.py and risk.py, which share no code with the search that
made the release: a builder bug, or a table changed after the search, is refused here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_k,
    measure_recursive_cl,
    measure_t_closeness,
)
from transforms.anonymize.risk import RISK_THRESHOLDS, RiskProfile, meets_environment, risk_profile
from transforms.errors import TransformError
from transforms.gate_check import Check

if TYPE_CHECKING:
    from transforms.egress import Origin


@dataclass(frozen=True)
class Diversity:
    """l-diversity a sensitive column must reach; `c` for recursive (c,l)-diversity."""

    column: str
    l: float  # noqa: E741
    kind: Literal["distinct", "entropy", "recursive"] = "distinct"
    c: float | None = None


@dataclass(frozen=True)
class Closeness:
    """t-closeness a sensitive column must reach, against the data before anonymisation."""

    column: str
    t: float
    ordered: bool = False


@dataclass(frozen=True)
class RecordRule:
    """What a record-level release must meet, and the data it was made from."""

    source: pl.LazyFrame
    """The records before anonymisation: t-closeness compares with their distributions, and
    the risk before is measured on them."""
    qis: Sequence[str]
    k: int | None = None
    environment: str | None = None
    diversity: Sequence[Diversity] = field(default_factory=tuple)
    closeness: Sequence[Closeness] = field(default_factory=tuple)


def record_checks(
    frame: pl.DataFrame, lineage: Mapping[str, Origin], rule: RecordRule
) -> list[Check]:
    """Every check of a record-level release, each with required and achieved figures."""
    qis = list(rule.qis)
    checks = [_quasi_identifiers(frame, lineage, qis)]
    if not checks[0].passed:
        return checks
    if frame.height == 0:
        detail = "no rows left to publish: every record was suppressed"
        return [*checks, Check("records", False, {"rows": 0}, detail)]
    sensitive = [s.column for s in (*rule.diversity, *rule.closeness)]
    source = rule.source.select(*qis, *dict.fromkeys(sensitive)).collect()
    if rule.k is not None:
        checks.append(_k_anonymity(frame, qis, rule.k))
    checks.extend(_diversity(frame, qis, d) for d in rule.diversity)
    checks.extend(_closeness(frame, qis, c, source[c.column]) for c in rule.closeness)
    checks.append(_risk(frame, source, qis, rule.environment))
    return checks


def _quasi_identifiers(frame: pl.DataFrame, lineage: Mapping[str, Origin], qis: list[str]) -> Check:
    """A quasi-identifier may leave only as one of the generalised, measured columns."""
    missing = [c for c in qis if c not in frame.columns]
    loose = [
        n for n in frame.columns
        if n not in qis and (o := lineage.get(n)) is not None and o.category == "quasi_identifier"
    ]  # fmt: skip
    detail = []
    if missing:
        detail.append(f"quasi-identifier column(s) {missing} are missing from the release")
    if loose:
        detail.append(f"column(s) {loose} are quasi-identifiers published without generalising")
    figures = {"quasi_identifiers": qis}
    return Check("quasi_identifiers", not detail, figures, "; ".join(detail))


def _measured(name: str, figures: dict[str, Any], measure: Callable[[], float]) -> Any:
    """Run a measure; a table it cannot measure is a refusal, not a crash."""
    try:
        return measure()
    except TransformError as exc:
        return Check(name, False, figures, str(exc))


def _k_anonymity(frame: pl.DataFrame, qis: list[str], k: int) -> Check:
    achieved = measure_k(frame, qis)
    figures = {"required": k, "achieved": achieved}
    detail = f"smallest class has {achieved} row(s), k={k} required" if achieved < k else ""
    return Check("k_anonymity", achieved >= k, figures, detail)


def _diversity(frame: pl.DataFrame, qis: list[str], rule: Diversity) -> Check:
    figures: dict[str, Any] = {"column": rule.column, "kind": rule.kind, "required": rule.l}
    name = "l_diversity"
    if rule.kind == "distinct":
        got = _measured(name, figures, lambda: measure_distinct_l(frame, qis, rule.column))
    elif rule.kind == "entropy":
        got = _measured(name, figures, lambda: measure_entropy_l(frame, qis, rule.column))
    else:
        l = int(rule.l)  # noqa: E741
        got = _measured(name, figures, lambda: measure_recursive_cl(frame, qis, rule.column, l))
    if isinstance(got, Check):
        return got
    if rule.kind == "recursive":
        figures.update(c_required=rule.c, c_achieved=got)
        ok = rule.c is not None and got < rule.c
        detail = f"recursive ({rule.c:g},{rule.l:g})-diversity of '{rule.column}': c*={got:g}"
        return Check(name, ok, figures, "" if ok else f"{detail}, below {rule.c:g} required")
    figures["achieved"] = got
    ok = got >= rule.l - 1e-9
    detail = f"{rule.kind} l of '{rule.column}' is {got:g}, {rule.l:g} required"
    return Check(name, ok, figures, "" if ok else detail)


def _closeness(frame: pl.DataFrame, qis: list[str], rule: Closeness, ref: pl.Series) -> Check:
    distance = "ordered" if rule.ordered else "equal"
    figures: dict[str, Any] = {"column": rule.column, "distance": distance, "required": rule.t}
    got = _measured(
        "t_closeness",
        figures,
        lambda: measure_t_closeness(frame, qis, rule.column, ordered=rule.ordered, reference=ref),
    )
    if isinstance(got, Check):
        return got
    figures["achieved"] = got
    ok = got <= rule.t + 1e-9
    detail = f"{distance} t of '{rule.column}' is {got:.4f}, at most {rule.t:g} required"
    return Check("t_closeness", ok, figures, "" if ok else detail)


def _risk(frame: pl.DataFrame, source: pl.DataFrame, qis: list[str], env: str | None) -> Check:
    """Prosecutor risk within the environment's threshold (when one is named), with the risk
    before and after anonymisation for the manifest."""
    threshold = RISK_THRESHOLDS[env] if env else 0.2
    before = risk_profile(source, qis, threshold=threshold)
    after = risk_profile(frame, qis, threshold=threshold)
    ok = meets_environment(after, env) if env else True
    figures = {
        "environment": env,
        "threshold": threshold if env else None,
        "before": _profile(before),
        "after": _profile(after),
    }
    detail = (
        f"prosecutor risk {after.prosecutor_max_risk:.4f} exceeds the {env} threshold "
        f"{threshold:.4f}"
    )
    return Check("re_identification_risk", ok, figures, "" if ok else detail)


def _profile(p: RiskProfile) -> dict[str, Any]:
    return {
        "records": p.records,
        "classes": p.classes,
        "min_class_size": p.min_class_size,
        "avg_class_size": round(p.avg_class_size, 4),
        "prosecutor_max_risk": round(p.prosecutor_max_risk, 6),
        "prosecutor_avg_risk": round(p.prosecutor_avg_risk, 6),
        "sample_uniques": round(p.sample_uniques, 6),
        "records_at_risk": round(p.records_at_risk, 6),
    }
