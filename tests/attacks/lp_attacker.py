"""An attacker of published tables, written from the tables alone: every cell of the finest
cross-classification that no table shows is an unknown of at least 1 (a listed cell is not
empty), every shown total is an equation over the cells under it, and scipy's linear
programme gives each unknown its lowest and highest value. It shares no code with Sluice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.optimize import linprog

Cell = tuple[object, ...]


def ranges(
    tables: Sequence[pl.DataFrame], dims: Sequence[str], measure: str
) -> dict[Cell, tuple[float, float]]:
    """Each cell hidden in every table, with the range the tables leave it."""
    every: set[Cell] = set()
    known: dict[Cell, float] = {}
    totals = []
    for table in tables:
        cells = table.filter(pl.col("margin").is_null()) if "margin" in table.columns else table
        for r in cells.iter_rows(named=True):
            cell = tuple(r[d] for d in dims)
            every.add(cell)
            if not r["suppressed"]:
                known[cell] = float(r[measure])
        if "margin" in table.columns:
            shown = table.filter(pl.col("margin").is_not_null() & ~pl.col("suppressed"))
            for r in shown.iter_rows(named=True):
                summed = set(r["margin"].split(","))
                fixed = {i: r[d] for i, d in enumerate(dims) if d not in summed}
                totals.append((fixed, float(r[measure])))
    hidden = sorted((c for c in every if c not in known), key=str)
    at = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for fixed, value in totals:
        under = [c for c in every if all(c[i] == v for i, v in fixed.items())]
        row = np.zeros(len(hidden))
        for c in under:
            if c in at:
                row[at[c]] = 1.0
        if row.any():
            rows.append(row)
            rhs.append(value - sum(known[c] for c in under if c in known))
    found = {}
    for c in hidden:
        objective = np.zeros(len(hidden))
        objective[at[c]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            if not rows:
                ends.append(1.0 if sign > 0 else np.inf)
                continue
            result = linprog(
                sign * objective, A_eq=np.array(rows), b_eq=rhs,
                bounds=[(1, None)] * len(hidden), method="highs",
            )  # fmt: skip
            ends.append(sign * result.fun if result.status == 0 else np.inf * sign * -1)
        found[c] = (ends[0], ends[1])
    return found
