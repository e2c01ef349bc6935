"""Secondary suppression of model tables with totals: the exact test of which suppressed rows
the totals pin, solved block by block (as shipped) beside one decomposition of the whole
system (the baseline), in the same run.

The tables are the products with totals of bench_linked.py (people by year, district, city,
industry, sex, age band and insurance type), each built with a minimum group size of 10;
`secondary_suppression` runs on each with either test. Each repetition runs the two in
turn, every other one in the reverse order; the suppression found must be the same.

    .venv/bin/python bench/bench_secondary.py --rows 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_linked import PRODUCTS, STATS, resource

from transforms.products import secondary
from transforms.products.model import CELL_SUBJECTS, MARGIN, SUPPRESSED, Dim, build_model

SHIPPED = secondary.determined


def whole(suppressed: set[int], system: list[list[int]]) -> set[int]:
    """The baseline: one singular value decomposition of every equation over every
    suppressed row."""
    unknowns = sorted(suppressed)
    position = {row: i for i, row in enumerate(unknowns)}
    rows = []
    for eq in system:
        coefficients = np.zeros(len(unknowns))
        for j, row in enumerate(eq):
            if row in position:
                coefficients[position[row]] += 1.0 if j == 0 else -1.0
        if coefficients.any():
            rows.append(coefficients)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((singular > 1e-9 * max(matrix.shape) * singular.max()).sum())
    null = vt[rank:]
    free = np.abs(null).max(axis=0) > 1e-7 if len(null) else np.zeros(len(unknowns), bool)
    return {unknowns[i] for i in range(len(unknowns)) if not free[i]}


def tables(rows: int) -> list[tuple[pl.DataFrame, list[str]]]:
    frame = resource(rows).lazy()
    found = []
    for dims, margins in PRODUCTS:
        if margins:
            table = build_model(frame, dims=[Dim(d, d) for d in dims], stats=STATS,
                                min_group_size=10, margins=margins).collect()  # fmt: skip
            found.append((table, dims))
    return found


def run(built: list[tuple[pl.DataFrame, list[str]]], test) -> tuple[float, list[pl.Series]]:
    secondary.determined = test
    start = time.perf_counter()
    flags = [
        secondary.secondary_suppression(
            table, dims, suppressed=SUPPRESSED, margin=MARGIN, size=CELL_SUBJECTS
        )
        for table, dims in built
    ]
    return time.perf_counter() - start, flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    built = tables(args.rows)
    cells = sum(t.height for t, _ in built)
    times: dict[str, list[float]] = {"whole": [], "blocks": []}
    hidden = 0
    for repetition in range(args.repeat):
        order = [("whole", whole), ("blocks", SHIPPED)]
        found = {}
        for name, test in order if repetition % 2 == 0 else order[::-1]:
            seconds, flags = run(built, test)
            times[name].append(seconds)
            found[name] = flags
        assert all(a.equals(b) for a, b in zip(found["whole"], found["blocks"], strict=True))
        hidden = sum(int(f.sum()) for f in found["blocks"])
    print(f"rows {args.rows}, tables {len(built)}, cells {cells}, suppressed {hidden}")
    for name, values in times.items():
        print(f"{name:6s} min {min(values):6.3f} s  median {statistics.median(values):6.3f} s"
              f"  {[round(v, 3) for v in values]}")  # fmt: skip
    ratios = [a / b for a, b in zip(times["whole"], times["blocks"], strict=True)]
    print(f"whole / blocks: min x{min(ratios):.2f}, median x{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
