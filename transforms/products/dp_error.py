"""The expected error of a differentially private release, per published measure: the half-width
of a 95% interval around a cell's value before noise, from the mechanism used and its scale,
so a user can tell a real difference between two cells from noise.

Laplace noise of scale b is within +-b ln(1/0.05) of zero 95% of the time; Gaussian noise of
standard deviation sigma within +-1.96 sigma. A mean is a noisy sum S over a noisy row count N;
its interval is approximate (first-order, normal): 1.96 sqrt(var_S + mean^2 var_N) / N, with
var = 2 b^2 (Laplace) or sigma^2 (Gaussian), so it is widest where N is smallest, and is given
at the released cell with the fewest rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from transforms.products.model import Stat

ALPHA = 0.05
Z95 = 1.959963984540054
NEAR_THRESHOLD = (
    "a cell near the threshold reads high: only cells whose noisy count cleared it are published"
)
BOUNDING = (
    "the error of contribution bounding is not included (none when the bounds cover everyone)"
)


def half_width(mechanism: Literal["laplace", "gaussian"], scale: float) -> float:
    """The 95% half-width of one draw of the mechanism's noise at `scale`.

    >>> round(half_width("laplace", 1.0), 3), round(half_width("gaussian", 1.0), 3)
    (2.996, 1.96)
    """
    return scale * math.log(1 / ALPHA) if mechanism == "laplace" else Z95 * scale


def variance(mechanism: Literal["laplace", "gaussian"], scale: float) -> float:
    """The variance of the mechanism's noise at `scale`."""
    return 2 * scale**2 if mechanism == "laplace" else scale**2


def expected_error(
    stats: Sequence[Stat],
    scales: Mapping[str, float],
    noisy: Mapping[str, Sequence[float]],
    mechanism: Literal["laplace", "gaussian"],
    *,
    people: str,
    rows: str,
    sum_prefix: str,
) -> dict[str, Any]:
    """Per published measure, its 95% half-width; `scales` and `noisy` are keyed by the noisy
    quantity (`people`, `rows`, or `sum_prefix` + column)."""
    out: dict[str, Any] = {"confidence": 1 - ALPHA, "note": BOUNDING}
    for stat in stats:
        if stat.agg == "mean":
            out[stat.name] = _mean(stat, scales, noisy, mechanism, rows, sum_prefix)
            continue
        key = {"count_subjects": people, "count": rows}.get(stat.agg, sum_prefix + str(stat.column))
        entry: dict[str, Any] = {
            "agg": stat.agg,
            "noise": mechanism,
            "scale": scales[key],
            "ci95": half_width(mechanism, scales[key]),
        }
        if stat.agg == "count_subjects":
            entry["note"] = NEAR_THRESHOLD
        out[stat.name] = entry
    return out


def _mean(
    stat: Stat,
    scales: Mapping[str, float],
    noisy: Mapping[str, Sequence[float]],
    mechanism: Literal["laplace", "gaussian"],
    rows: str,
    sum_prefix: str,
) -> dict[str, Any]:
    key = sum_prefix + str(stat.column)
    var_sum, var_rows = variance(mechanism, scales[key]), variance(mechanism, scales[rows])
    entry: dict[str, Any] = {
        "agg": "mean",
        "noise": mechanism,
        "formula": "1.96 * sqrt(var_sum + mean^2 * var_rows) / rows (approximate)",
        "var_sum": var_sum,
        "var_rows": var_rows,
    }
    cells = [(n, s) for n, s in zip(noisy[rows], noisy[key], strict=True) if n >= 1]
    if cells:
        n, s = min(cells)
        mean = s / n
        entry["smallest_cell_rows"] = round(n)
        entry["ci95_at_smallest_cell"] = Z95 * math.sqrt(var_sum + mean**2 * var_rows) / n
    return entry
