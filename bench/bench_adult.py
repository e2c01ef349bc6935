"""Optimal full-domain k-anonymity on Adult with ARX's hierarchies, beside ARX 3.9.2's results.

Usage: python bench/bench_adult.py [--data bench/data/adult] [--repeat 3] [--loss] [--diversity]
Runtime is the median of --repeat searches after one warm-up, loading and encoding excluded
(as the README measures ARX). ARX's figures come from the README in the data directory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from transforms.anonymize.diversity import DistinctLDiversity
from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import load_hierarchy
from transforms.anonymize.metrics import Discernibility, Loss
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import SearchResult, optimal_node

QIS = [
    "age",
    "sex",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
]
DATA = Path(__file__).resolve().parent / "data" / "adult"

# (k, suppression limit): (ARX ms, levels, suppressed, classes, value), from the README.
ARX_DM = {
    (2, 0.0): (81, (1, 1, 1, 1, 3, 2, 2, 1), 0, 90, 19_399_310),
    (2, 0.05): (1622, (0, 0, 1, 2, 3, 2, 2, 1), 25, 386, 4_807_825),
    (5, 0.0): (41, (1, 1, 1, 2, 3, 2, 2, 1), 0, 45, 33_627_534),
    (5, 0.05): (952, (0, 0, 1, 2, 3, 2, 2, 1), 105, 356, 7_220_555),
    (10, 0.0): (33, (1, 1, 1, 1, 3, 2, 2, 2), 0, 30, 55_170_356),
    (10, 0.05): (672, (0, 1, 1, 2, 3, 2, 2, 1), 121, 180, 10_541_769),
}
ARX_LOSS = {
    (2, 0.0): (179, (4, 0, 0, 1, 3, 2, 2, 1), 0, 60, 0.526645),
    (2, 0.05): (972, (3, 0, 0, 0, 2, 1, 0, 1), 1240, 1334, 0.167068),
    (5, 0.0): (44, (4, 0, 0, 2, 3, 2, 2, 1), 0, 30, 0.591585),
    (5, 0.05): (884, (3, 0, 0, 0, 1, 1, 1, 2), 1458, 399, 0.251852),
    (10, 0.0): (28, (4, 0, 0, 2, 3, 2, 2, 1), 0, 30, 0.591585),
    (10, 0.05): (703, (3, 0, 0, 1, 1, 1, 1, 2), 1484, 200, 0.305464),
}

# Distinct 3-diversity on occupation, the other 7 QIs, Loss: levels, suppressed, classes.
ARX_L3 = {
    0.0: ((4, 0, 1, 0, 2, 2, 2), 0, 40),
    0.05: ((3, 0, 0, 0, 2, 1, 0), 1473, 527),
}


def run(data, k: int, limit: float, metric, repeat: int, models=None) -> tuple[SearchResult, float]:
    """One warm-up, then the median runtime of ``repeat`` searches."""
    models = models or [KAnonymity(k)]
    allowed = max_suppressed(limit, data.rows)
    result = optimal_node(data, models, allowed, metric)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = optimal_node(data, models, allowed, metric)
        times.append((time.perf_counter() - started) * 1000)
    return result, statistics.median(times)


def diversity(frame: pl.DataFrame, hierarchies: dict, repeat: int) -> int:
    """Distinct 3-diversity on occupation beside ARX; return how many cases differ."""
    qis = {c: h for c, h in hierarchies.items() if c != "occupation"}
    data = encode(frame, qis, ["occupation"])
    print("\nLoss, distinct 3-diversity on occupation (7 QIs)")
    differ = 0
    for limit, (levels, suppressed, classes) in ARX_L3.items():
        model = [DistinctLDiversity("occupation", 3)]
        ours, ms = run(data, 0, limit, Loss(), repeat, model)
        same = (ours.node, ours.suppressed, ours.classes) == (levels, suppressed, classes)
        differ += not same
        print(
            f"{limit:>5.0%} | ours {','.join(map(str, ours.node)):<14} {ours.suppressed:>6} "
            f"{ours.classes:>7} {ours.value:>9.6f} {ms:>7.0f} ms {ours.nodes_checked:>5} nodes"
            f" | {'identical' if same else 'DIFFERENT'}"
        )
        print(f"{'':>5} | ARX  {','.join(map(str, levels)):<14} {suppressed:>6} {classes:>7}")
    return differ


def table(data, metric, reference: dict, repeat: int) -> int:
    """Print ours beside ARX's for every case; return how many cases differ."""
    digits = 0 if isinstance(metric, Discernibility) else 6
    print(f"\n{metric.name}  (N={data.rows:,}, {len(data.codes):,} distinct QI combinations)")
    head = f"{'k':>3} {'supp':>5} | {'who':<4} {'levels':<16} {'suppr':>6} {'classes':>7}"
    print(f"{head} {'value':>12} {'ms':>7} {'nodes':>6} | same")
    differ = 0
    for (k, limit), (arx_ms, levels, suppressed, classes, value) in reference.items():
        ours, ms = run(data, k, limit, metric, repeat)
        ours_value = round(ours.value, digits) if digits else ours.value
        same = (ours.node, ours.suppressed, ours.classes, ours_value) == (
            levels,
            suppressed,
            classes,
            value,
        )
        differ += not same
        case = f"{k:>3} {limit:>5.0%}"
        print(
            f"{case} | ours {','.join(map(str, ours.node)):<16} {ours.suppressed:>6} "
            f"{ours.classes:>7} {ours_value:>12,} {ms:>7.0f} {ours.nodes_checked:>6} | "
            f"{'identical' if same else 'DIFFERENT'}"
            + (f" (ties: {ours.ties})" if ours.ties else "")
        )
        print(
            f"{'':>9} | ARX  {','.join(map(str, levels)):<16} {suppressed:>6} {classes:>7} "
            f"{value:>12,} {arx_ms:>7} {'':>6} |"
        )
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loss", action="store_true", help="also run ARX's Loss metric")
    parser.add_argument(
        "--diversity", action="store_true", help="also run distinct 3-diversity on occupation"
    )
    args = parser.parse_args()
    frame = pl.read_csv(args.data / "adult.csv", separator=";", infer_schema=False)
    hierarchies = {c: load_hierarchy(args.data / f"adult_hierarchy_{c}.csv", c) for c in QIS}
    started = time.perf_counter()
    data = encode(frame, hierarchies)
    print(f"encode: {(time.perf_counter() - started) * 1000:.0f} ms")
    differ = table(data, Discernibility(), ARX_DM, args.repeat)
    if args.loss:
        differ += table(data, Loss(), ARX_LOSS, args.repeat)
    if args.diversity:
        differ += diversity(frame, hierarchies, args.repeat)
    print(f"\n{'all cases identical to ARX' if not differ else f'{differ} case(s) differ'}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
