"""The gate's rule for record-level (microdata) releases.

The privacy models are measured again on the rows about to leave, with the measures of
transforms/anonymize/privacy_check.py and risk.py, which share no code with the search that
made the release: a builder bug, or a table changed after the search, is refused here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from transforms.anonymize.models import PrivacyModel, class_floor, sensitive_columns
from transforms.anonymize.risk import RiskProfile, meets_environment, risk_profile, threshold_for
from transforms.gate_check import Check, Origin
from transforms.linkage import Knowledge, linkage_threshold, linked_risk


@dataclass(frozen=True)
class RecordRule:
    """What a record-level release must meet, and the data it was made from."""

    source: pl.LazyFrame
    """The records before anonymisation: t-closeness compares with their distributions, and
    the risk before is measured on them."""
    qis: Sequence[str]
    models: Sequence[PrivacyModel] = field(default_factory=tuple)
    known: Mapping[str, Knowledge] = field(default_factory=dict)
    """Attributes the same readers learn about a person from the resource's other releases."""
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Per known column, the releases that reveal it (to name them in a refusal)."""

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        return record_checks(frame, lineage, self)


def record_checks(
    frame: pl.DataFrame, lineage: Mapping[str, Origin], rule: RecordRule
) -> list[Check]:
    """Every check of a record-level release, each with required and achieved figures: one
    smallest-class check for the size models together (k and the environment's k), one check
    per other model, and the re-identification risk before and after."""
    qis = list(rule.qis)
    checks = [_quasi_identifiers(frame, lineage, qis)]
    if not checks[0].passed:
        return checks
    if frame.height == 0:
        detail = "no rows left to publish: every record was suppressed"
        return [*checks, Check("records", False, {"rows": 0}, detail)]
    source = rule.source.select(*qis, *sensitive_columns(rule.models)).collect()
    floor = class_floor(rule.models)
    if floor is not None:
        checks.append(floor.judge(frame, qis))
    checks.extend(m.judge(frame, qis, source) for m in rule.models if not m.sizes_only)
    environment = next((m.environment for m in rule.models if m.environment), None)
    threshold = threshold_for(environment, floor.k if floor is not None else None)
    checks.append(_risk(frame, source, qis, environment, threshold))
    if rule.known:
        checks.append(_linkage(frame, qis, rule))
    return checks


def _linkage(frame: pl.DataFrame, qis: list[str], rule: RecordRule) -> Check:
    """The risk once the attacker also links on what the resource's other releases tell the
    same readers, against what the release promises alone."""
    limit = linkage_threshold(rule.models)
    linked = linked_risk(frame, qis, rule.known, threshold=limit)
    ok = linked.prosecutor_max_risk <= limit + 1e-12
    known = [k.describe() for k in rule.known.values()]
    figures = {
        "known": known,
        "sources": {c: list(s) for c, s in rule.sources.items()},
        "required": {"prosecutor_max_risk": round(limit, 6)},
        "achieved": {
            "prosecutor_max_risk": round(linked.prosecutor_max_risk, 6),
            "min_class_size": linked.min_class_size,
            "records_at_risk": round(linked.records_at_risk, 6),
        },
    }
    named = "; ".join(
        f"{k.describe()} from {', '.join(rule.sources.get(c, ['another release']))}"
        for c, k in rule.known.items()
    )
    detail = (
        f"linked with what its readers learn elsewhere ({named}), prosecutor risk "
        f"{linked.prosecutor_max_risk:.4f} exceeds {limit:.4f}; set `linkage: generalise` "
        "or stop publishing those columns"
    )
    return Check("linkage", ok, figures, "" if ok else detail)


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


def _risk(
    frame: pl.DataFrame, source: pl.DataFrame, qis: list[str], env: str | None, threshold: float
) -> Check:
    """Prosecutor risk within the environment's threshold (when one is named), with the risk
    before and after anonymisation for the manifest; records count as at risk above the
    threshold of the environment the release is for (named, or met by its k)."""
    before = risk_profile(source, qis, threshold=threshold)
    after = risk_profile(frame, qis, threshold=threshold)
    ok = meets_environment(after, env) if env else True
    figures = {
        "environment": env,
        "threshold": threshold,
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
