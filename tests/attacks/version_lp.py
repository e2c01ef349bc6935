"""An attacker of successive versions of one table, written from the published tables alone: a
reader who downloaded every version and learned that each new one corrects a known number of
records (an upheld objection moves a person from one cell to another).

Every hidden cell of every version is an unknown of at least 1 (a listed cell is not empty).
A cell hidden where the version before published it or did not list it is below the
table's minimum group size, so at most one less; a cell hidden in both may have grown (kept
hidden for consistency), so it has no upper bound but its link to the version before. Between
two versions each cell changes by at most the records corrected, the changes add up to zero
(nobody comes or goes) and their absolute values to at most twice the records corrected.
scipy's linear programme (HiGHS) gives each unknown its lowest and highest value. It shares
no code with Sluice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

Cell = tuple[str, ...]
Version = dict[Cell, float | None]
"""A published version: every listed cell with its value, None where it is hidden."""


def ranges(
    versions: Sequence[Version], min_group_size: int, moved: int = 1
) -> dict[tuple[int, Cell], tuple[float, float]]:
    """Each hidden (version index, cell) with the range the versions leave it."""
    cells = sorted({c for v in versions for c in v})
    hidden = [(i, c) for i, v in enumerate(versions) for c in cells if c in v and v[c] is None]
    at = {u: n for n, u in enumerate(hidden)}
    steps = [(i, c) for i in range(1, len(versions)) for c in cells]
    size = len(hidden) + len(steps)
    step_at = {s: len(hidden) + n for n, s in enumerate(steps)}
    upper, upper_rhs, equal, equal_rhs = [], [], [], []
    for i in range(1, len(versions)):
        total, total_rhs, budget = np.zeros(size), 0.0, np.zeros(size)
        for c in cells:
            change, constant = _change(versions, at, size, i, c)
            t = step_at[(i, c)]
            for sign in (1.0, -1.0):  # |change| <= t
                row = sign * change
                row[t] = -1.0
                upper.append(row)
                upper_rhs.append(-sign * constant)
            total += change
            total_rhs -= constant
            budget[t] = 1.0
        equal.append(total)
        equal_rhs.append(total_rhs)
        upper.append(budget)
        upper_rhs.append(2.0 * moved)
    bounds = [_bound(versions, i, c, min_group_size) for i, c in hidden]
    bounds += [(0.0, float(moved))] * len(steps)
    found = {}
    for unknown, n in at.items():
        objective = np.zeros(size)
        objective[n] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective, A_ub=np.array(upper), b_ub=upper_rhs, A_eq=np.array(equal),
                b_eq=equal_rhs, bounds=bounds, method="highs",
            )  # fmt: skip
            assert result.status == 0, result.message
            ends.append(sign * result.fun)
        found[unknown] = (ends[0], ends[1])
    return found


def _change(
    versions: Sequence[Version], at: dict[tuple[int, Cell], int], size: int, i: int, c: Cell
) -> tuple[np.ndarray, float]:
    """Version i's value of cell c less version i-1's, as coefficients and a constant."""
    row, constant = np.zeros(size), 0.0
    for sign, j in ((1.0, i), (-1.0, i - 1)):
        if c in versions[j] and versions[j][c] is None:
            row[at[(j, c)]] += sign
        else:
            constant += sign * (versions[j].get(c) or 0.0)  # not listed: nobody
    return row, constant


def _bound(
    versions: Sequence[Version], i: int, c: Cell, min_group_size: int
) -> tuple[float, float | None]:
    kept_hidden = i > 0 and c in versions[i - 1] and versions[i - 1][c] is None
    return (1.0, None if kept_hidden else float(min_group_size - 1))
