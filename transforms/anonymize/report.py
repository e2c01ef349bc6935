"""What a record-level release achieved, measured on its rows for the `sluice anonymize`
report, with the same models (and their measures) the egress gate judges by."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import polars as pl

from transforms.anonymize.models import PrivacyModel
from transforms.anonymize.privacy_check import (
    measure_distinct_l,
    measure_entropy_l,
    measure_t_closeness,
)
from transforms.anonymize.risk import (
    RISK_THRESHOLDS,
    meets_environment,
    risk_profile,
    threshold_for,
)


def achieved(
    result: pl.DataFrame, source: pl.DataFrame, qis: list[str], models: Sequence[PrivacyModel]
) -> list[dict[str, Any]]:
    """Each model with its requirement and the value measured on the published rows."""
    return [model.report(result, qis, source) for model in models]


def sensitive_measures(
    result: pl.DataFrame, source: pl.DataFrame, qis: list[str], sensitive: Sequence[str]
) -> dict[str, dict[str, float]]:
    """What the release reaches for each sensitive column, whether or not a model asked."""
    if result.height == 0:
        return {}
    return {
        column: {
            "distinct_l": measure_distinct_l(result, qis, column),
            "entropy_l": round(measure_entropy_l(result, qis, column), 6),
            "t_equal": round(measure_t_closeness(result, qis, column, ordered=False,
                                                 reference=source[column]), 6),
        }
        for column in sensitive
    }  # fmt: skip


def environment_figures(
    result: pl.DataFrame, qis: list[str], environment: str | None
) -> dict[str, Any] | None:
    """The environment's risk threshold next to the highest risk of a published record, and
    the share of records above it (the ones the environment would not accept)."""
    if environment is None or result.height == 0:
        return None
    profile = risk_profile(result, qis, threshold=RISK_THRESHOLDS[environment])
    return {"name": environment, "max_prosecutor_risk": RISK_THRESHOLDS[environment],
            "achieved": round(profile.prosecutor_max_risk, 6),
            "records_at_risk": round(profile.records_at_risk, 6),
            "holds": meets_environment(profile, environment)}  # fmt: skip


def risk_figures(
    frame: pl.DataFrame, qis: list[str], environment: str | None = None, k: int | None = None
) -> dict[str, Any] | None:
    """Every risk figure of a table (see risk.py), rounded for reading; records count as at
    risk above the threshold of the `environment` the release is for, else of the strictest
    one `k` meets (threshold_for)."""
    if frame.height == 0:
        return None
    threshold = threshold_for(environment, k)
    profile = dataclasses.asdict(risk_profile(frame, qis, threshold=threshold))
    return {
        name: round(value, 6) if isinstance(value, float) else value
        for name, value in profile.items()
    }
