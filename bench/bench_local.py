"""Local recoding beside the optimal full-domain node on Adult (ARX's hierarchies), DM metric.

Usage: python bench/bench_local.py [--data bench/data/adult] [--repeat 3] [--scale]

For k 2/5/10 and suppression 0/5%: the full-domain optimum's DM, then local recoding started
from it (remainder classes and recovery of suppressed rows on, the default) and with both off
("strict"). Runtimes are medians of --repeat runs after one warm-up; the full-domain search
excludes loading and encoding, local recoding includes its own encoding of the frame and
writing the published frame. Every published table is re-checked: each group of identical
QI strings has at least k rows and its DM, measured on the written rows, is the one reported.

--scale adds one run on about a million rows: Adult repeated 33 times with four QI columns
shuffled independently (seed 0, about 265,000 distinct QI combinations), k 5, refined from
the top of every hierarchy (a valid full-domain start without searching the lattice).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl
from bench_adult import DATA, QIS

from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import load_hierarchy
from transforms.anonymize.local import LocalRecoding, recode_locally
from transforms.anonymize.metrics import Discernibility
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import optimal_node

CASES = [(k, limit) for k in (2, 5, 10) for limit in (0.0, 0.05)]

T = TypeVar("T")


def timed(run: Callable[[], T], repeat: int) -> tuple[T, float]:
    """One warm-up, then the result and median milliseconds of ``repeat`` runs."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return result, statistics.median(times)


def verify(out: LocalRecoding, k: int, rows: int) -> None:
    """The written rows, not the engine's counters, must be k-anonymous with the stated DM."""
    sizes = out.frame.group_by(QIS).len()["len"].cast(pl.Int64)
    assert sizes.min() >= k, "a published class is below k"
    assert int((sizes**2).sum()) + out.suppressed * rows == out.dm, "DM differs from the rows"
    assert out.frame.height + out.suppressed == rows


def scale(frame: pl.DataFrame, hierarchies: dict, k: int = 5) -> None:
    """One local recoding of a million-row table, to show how runtime grows with the rows."""
    rng = np.random.default_rng(0)
    big = pl.concat([frame] * 33)
    big = big.with_columns(
        pl.Series(c, big[c].to_numpy()[rng.permutation(big.height)]) for c in QIS[:4]
    )
    top = {c: h.height for c, h in hierarchies.items()}
    started = time.perf_counter()
    out = recode_locally(big, hierarchies, k, top, 0)
    seconds = time.perf_counter() - started
    verify(out, k, big.height)
    combos = big.select(QIS).n_unique()
    print()
    print("| rows | distinct QI combinations | k | DM | classes | min class | local s |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {big.height:,} | {combos:,} | {k} | {out.dm:,} | {out.classes:,} "
        f"| {out.min_class} | {seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="add a run on ~1M rows")
    args = parser.parse_args()
    frame = pl.read_csv(args.data / "adult.csv", separator=";", infer_schema=False)
    hierarchies = {c: load_hierarchy(args.data / f"adult_hierarchy_{c}.csv", c) for c in QIS}
    data = encode(frame, hierarchies)
    print(
        "| k | suppression | full-domain DM | local DM | local / full | strict local DM "
        "| suppressed (full → local) | classes (full → local) | full-domain ms | local ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k, fraction in CASES:
        limit = max_suppressed(fraction, frame.height)
        full, full_ms = timed(
            lambda k=k, limit=limit: optimal_node(data, [KAnonymity(k)], limit, Discernibility()),
            args.repeat,
        )
        local, local_ms = timed(
            lambda k=k, limit=limit, full=full: recode_locally(
                frame, hierarchies, k, full.levels, limit
            ),
            args.repeat,
        )
        strict = recode_locally(
            frame, hierarchies, k, full.levels, limit, remainder=False, recover=False
        )
        for out in (local, strict):
            verify(out, k, frame.height)
        print(
            f"| {k} | {fraction:.0%} | {int(full.value):,} | {local.dm:,} "
            f"| {local.dm / full.value:.3f} | {strict.dm:,} "
            f"| {full.suppressed:,} → {local.suppressed:,} "
            f"| {full.classes:,} → {local.classes:,} | {full_ms:,.0f} | {local_ms:,.0f} |"
        )
    if args.scale:
        scale(frame, hierarchies)


if __name__ == "__main__":
    main()
