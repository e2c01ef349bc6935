"""The gate's rule for differentially private releases: the account stays within the declared
epsilon and delta, and every published cell exists in the de-identified source (the noise adds
values, never cells)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.gate_check import Check, Origin


@dataclass(frozen=True)
class PrivateRule:
    """A differentially private release's declared budget, its account and its source."""

    source: pl.LazyFrame
    dims: Sequence[tuple[str, str]]
    epsilon: float
    delta: float
    account: Mapping[str, Any]

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        return [_differential_privacy(frame, self)]


def _differential_privacy(frame: pl.DataFrame, rule: PrivateRule) -> Check:
    outputs = [out for _, out in rule.dims]
    source = (
        rule.source.select(pl.col(src).alias(out) for src, out in rule.dims)
        .unique()
        .collect(engine="streaming")
    )
    fabricated = frame.select(outputs).join(source, on=outputs, how="anti", nulls_equal=True)
    spent_eps, spent_delta = float(rule.account["epsilon"]), float(rule.account["delta"])
    within = spent_eps <= rule.epsilon * (1 + 1e-9) and spent_delta <= rule.delta * (1 + 1e-9)
    figures = {
        "mechanism": rule.account["mechanism"],
        "epsilon": spent_eps,
        "delta": spent_delta,
        "declared_epsilon": rule.epsilon,
        "declared_delta": rule.delta,
        "cells_released": frame.height,
    }
    detail = []
    if not within:
        detail.append(f"the release spent epsilon {spent_eps:g}, delta {spent_delta:g}: over")
    if fabricated.height:
        detail.append(f"{fabricated.height} published cell(s) do not exist in the source")
    return Check(
        "differential_privacy", within and not fabricated.height, figures, "; ".join(detail)
    )
