"""Differentially private model products (差分隐私): noise from OpenDP's vetted samplers,
calibrated to each person's bounded contribution.

Which cells exist is itself personal (a cell of one tells that person is there), so cells are
released through OpenDP's threshold mechanism: the noisy people count of every cell, and only
cells whose noisy count clears a threshold are published (the threshold carries the delta).
Every other measure of the released cells gets its own noise; a mean is a noisy sum over a
noisy row count (post-processing, no further cost). Epsilon is split evenly over the
mechanisms and delta goes to the threshold (Laplace) or is split too (Gaussian); the costs add
up (basic composition), so the release spends at most the declared epsilon and delta.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import opendp.prelude as dp
import polars as pl

from transforms.errors import TransformError
from transforms.products.dp_error import expected_error
from transforms.products.model import CELL_SUBJECTS, Stat

dp.enable_features("contrib")

ROWS = "__cell_rows"
SUM_PREFIX = "__sum_"
Mechanism = Literal["laplace", "gaussian"]


@dataclass(frozen=True)
class PrivacyParameters:
    """What a product declares: the mechanism, its budget, and the contribution bounds that
    fix each person's influence (rows kept per person in each cell; cells a person counts in;
    clamping range per summed column)."""

    mechanism: Mechanism
    epsilon: float
    delta: float
    max_rows: int
    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    max_partitions: int = 1


@dataclass(frozen=True)
class DPRelease:
    """The released cells and the account of what they cost."""

    table: pl.DataFrame
    account: dict[str, Any]


def cell_totals(
    frame: pl.LazyFrame, keys: Sequence[str], stats: Sequence[Stat], subject: str | None
) -> pl.LazyFrame:
    """Exact per-cell people, rows and sums of the (already bounded) rows: the inputs of the
    noise, never published themselves."""
    people = pl.col(subject).hash().n_unique() if subject else pl.len()
    sums = {s.column for s in stats if s.agg in ("sum", "mean")}
    return frame.group_by(keys).agg(
        people.cast(pl.Int64).alias(CELL_SUBJECTS),
        pl.len().cast(pl.Int64).alias(ROWS),
        *(pl.col(c).cast(pl.Float64).sum().alias(SUM_PREFIX + c) for c in sorted(sums)),
    )


def dp_release(
    cells: pl.DataFrame,
    *,
    keys: Sequence[str],
    stats: Sequence[Stat],
    params: PrivacyParameters,
    min_group_size: int,
) -> DPRelease:
    """Release the cells of `cells` (from `cell_totals`) under (epsilon, delta)-DP."""
    _check(stats, params)
    sums = sorted({s.column for s in stats if s.agg in ("sum", "mean")})
    noisy_rows = any(s.agg in ("count", "mean") for s in stats)
    mechanisms = 1 + int(noisy_rows) + len(sums)
    eps_each = params.epsilon / mechanisms
    delta_each = params.delta if params.mechanism == "laplace" else params.delta / mechanisms
    share = (eps_each, delta_each, params.mechanism)
    m, k = params.max_rows, params.max_partitions
    names = [
        json.dumps(list(r), ensure_ascii=False, default=str) for r in cells.select(keys).rows()
    ]
    counts = dict(zip(names, cells[CELL_SUBJECTS].to_list(), strict=True))
    release, threshold_account = _threshold(counts, k, share, min_group_size)
    kept = [i for i, n in enumerate(names) if n in release]
    table = cells[kept].select(*keys)
    people = [release[names[i]] for i in kept]
    accounts = [threshold_account]
    noisy: dict[str, list[float]] = {CELL_SUBJECTS: people}
    scales = {CELL_SUBJECTS: threshold_account["scale"]}
    if noisy_rows:
        values, account = _vector(cells[ROWS].to_list(), kept, (float(m), k), share, "rows")
        noisy[ROWS], scales[ROWS] = values, account["scale"]
        accounts.append(account)
    for column in sums:
        low, high = params.bounds[column]
        per_cell = m * max(abs(low), abs(high))
        values, account = _vector(
            cells[SUM_PREFIX + column].to_list(), kept, (per_cell, k), share, f"sum of {column}"
        )
        noisy[SUM_PREFIX + column], scales[SUM_PREFIX + column] = values, account["scale"]
        accounts.append(account)
    table = table.with_columns(
        _published(stat, noisy, len(kept)).alias(stat.name) for stat in stats
    ).sort(keys, nulls_last=True)
    spent_eps = sum(a["epsilon"] for a in accounts)
    spent_delta = sum(a["delta"] for a in accounts)
    errors = expected_error(
        stats, scales, noisy, params.mechanism,
        people=CELL_SUBJECTS, rows=ROWS, sum_prefix=SUM_PREFIX,
    )  # fmt: skip
    contribution = {"max_rows_per_subject": m, "max_partitions_per_subject": k,
                    "bounds": dict(params.bounds)}  # fmt: skip
    return DPRelease(
        table,
        {
            "mechanism": params.mechanism,
            "epsilon": spent_eps,
            "delta": spent_delta,
            "composition": "basic (sums of each mechanism's epsilon and delta)",
            "contribution": contribution,
            "mechanisms": accounts,
            "cells_released": len(kept),
            "expected_error": errors,
        },
    )


def _check(stats: Sequence[Stat], params: PrivacyParameters) -> None:
    if params.epsilon <= 0:
        raise TransformError("differential privacy needs epsilon above 0")
    if not 0 < params.delta < 1:
        raise TransformError(
            "differential privacy here needs delta between 0 and 1: the set of published cells "
            "is released by a threshold, whose failure probability is delta"
        )
    for stat in stats:
        if stat.agg == "median":
            raise TransformError(f"measure '{stat.name}': medians have no DP release here")
        if stat.agg in ("sum", "mean") and stat.column not in params.bounds:
            raise TransformError(
                f"measure '{stat.name}': a {stat.agg} under differential privacy needs bounds "
                f"for '{stat.column}' (contribution.bounds)"
            )


def _threshold(
    counts: dict[str, int],
    partitions: int,
    share: tuple[float, float, Mechanism],
    floor: int,
) -> tuple[dict[str, int], dict[str, Any]]:
    """Noisy people count per cell, only cells above the threshold kept."""
    eps, delta, mechanism = share
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=int))
    # a person is in at most `partitions` cells and adds one to each: (l0, l1 or l2, linf);
    # OpenDP takes the l2 norm as the smaller of this and sqrt(l0) x linf
    d_in = (partitions, partitions, 1)
    gaussian = mechanism == "gaussian"
    metric = (dp.l02inf_distance if gaussian else dp.l01inf_distance)(dp.absolute_distance(T=int))
    make = dp.m.make_gaussian_threshold if gaussian else dp.m.make_laplace_threshold

    def measure(scale: float, threshold: int, budget: float = delta) -> Any:
        built = make(domain, metric, scale=scale, threshold=threshold)
        if gaussian:  # zCDP to (epsilon, delta), the threshold's own delta included in `budget`
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(built), budget)
        return built

    def cost(scale: float, threshold: int, budget: float = delta) -> tuple[float, float]:
        try:
            eps_out, delta_out = measure(scale, threshold, budget).map(d_in)
        except dp.OpenDPException:  # the threshold alone needs more delta than the budget
            return math.inf, math.inf
        return float(eps_out), float(delta_out)

    def fits(scale: float, threshold: int, budget: float = delta) -> bool:
        eps_out, delta_out = cost(scale, threshold, budget)
        return eps_out <= eps and delta_out <= delta

    far = 10**9
    # Gaussian: the scale leaves half the delta for the threshold to use
    scale = _smallest(lambda s: fits(s, far, delta / 2 if gaussian else delta))
    low, high = max(floor, 1), far
    if not fits(scale, low):
        while high - low > 1:  # the smallest threshold that fits
            mid = (low + high) // 2
            low, high = (low, mid) if fits(scale, mid) else (mid, high)
        threshold = high
    else:
        threshold = low
    eps_out, delta_out = cost(scale, threshold)
    released = measure(scale, threshold)(counts) if counts else {}
    account = {"measure": "people per cell (release of the cells)", "scale": scale,
               "threshold": threshold, "sensitivity": {"cells": partitions, "per_cell": 1},
               "epsilon": eps_out, "delta": delta_out}  # fmt: skip
    return {k: max(int(v), 0) for k, v in released.items()}, account


def _vector(
    values: list,
    kept: list[int],
    bound: tuple[float, int],
    share: tuple[float, float, Mechanism],
    what: str,
) -> tuple[list[float], dict[str, Any]]:
    """One noisy value per released cell, for a `bound` = (one person's change to one cell,
    cells a person is in) and a `share` = (epsilon, delta, mechanism)."""
    eps, delta, mechanism = share
    per_cell, partitions = bound
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    gaussian = mechanism == "gaussian"
    # the change to the whole vector: in l2 for the Gaussian, in l1 for the Laplace mechanism
    sensitivity = per_cell * (math.sqrt(partitions) if gaussian else partitions)

    def measure(scale: float) -> Any:
        if gaussian:
            built = dp.m.make_gaussian(domain, dp.l2_distance(T=float), scale=scale)
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(built), delta)
        return dp.m.make_laplace(domain, dp.l1_distance(T=float), scale=scale)

    def cost(scale: float) -> tuple[float, float]:
        out = measure(scale).map(float(sensitivity))
        return (float(out[0]), float(out[1])) if gaussian else (float(out), 0.0)

    scale = _smallest(lambda s: cost(s)[0] <= eps)
    chosen = [float(values[i]) for i in kept]
    noisy = measure(scale)(chosen) if chosen else []
    eps_out, delta_out = cost(scale)
    account = {"measure": what, "scale": scale, "sensitivity": sensitivity,
               "per_cell": per_cell, "norm": "l2" if gaussian else "l1",
               "epsilon": eps_out, "delta": delta_out}  # fmt: skip
    return list(noisy), account


def _smallest(fits: Callable[[float], bool]) -> float:
    """The smallest noise scale (to 0.1%) that fits the budget: less noise, same guarantee."""
    low, high = 1e-6, 1.0
    while not fits(high):
        low, high = high, high * 4
        if high > 1e12:
            raise TransformError("no noise scale meets the budget; raise epsilon")
    while high / low > 1.001:
        mid = math.sqrt(low * high)
        low, high = (low, mid) if fits(mid) else (mid, high)
    return high


def _published(stat: Stat, noisy: dict[str, list[float]], n: int) -> pl.Expr:
    if stat.agg == "count_subjects":
        values: list[float | int | None] = [int(v) for v in noisy[CELL_SUBJECTS]]
    elif stat.agg == "count":
        values = [max(round(v), 0) for v in noisy[ROWS]]
    elif stat.agg == "sum":
        values = list(noisy[SUM_PREFIX + str(stat.column)])
    else:  # mean: noisy sum over noisy rows, undefined when the noisy rows are not positive
        sums, rows = noisy[SUM_PREFIX + str(stat.column)], noisy[ROWS]
        values = [s / r if r >= 1 else None for s, r in zip(sums, rows, strict=True)]
    if stat.round is not None and stat.agg in ("sum", "mean"):
        values = [None if v is None else round(v, stat.round) for v in values]
    dtype = pl.Int64 if stat.agg in ("count", "count_subjects") else pl.Float64
    return pl.Series(stat.name, values, dtype=dtype) if n else pl.lit(None, dtype=dtype)
