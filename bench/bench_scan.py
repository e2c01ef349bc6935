"""Throughput of scan_frame on short Chinese texts with embedded identifiers.

The texts are the sample 12345-hotline tickets (planted IDs, mobiles in 6 written forms, bank
cards, landlines, plates, names), built once for up to --base rows and tiled to --rows. The
ground-truth spans of the base give recall and surplus per gate entity.

    .venv/bin/python bench/bench_scan.py --rows 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time

import numpy as np
import polars as pl

from sample_data import hotline
from sample_data.pools import build_pools
from transforms.detectors import get_detector, scan_frame

GATE = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_BANK_CARD"]


def per_row_regex(texts: list[str]) -> float:
    """Baseline: each detector's Python pattern and validator, text by text (rows/s), the way
    a per-text recognizer works."""
    detectors = [get_detector(name) for name in GATE]
    patterns = [(d, re.compile(d.PATTERN)) for d in detectors]
    t0 = time.perf_counter()
    for text in texts:
        for detector, pattern in patterns:
            for match in pattern.finditer(text):
                detector.validate(match.group())
    return len(texts) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=100_000, help="distinct tickets generated")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is reported)")
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    args = parser.parse_args()

    base_n = min(args.base, args.rows)
    t0 = time.perf_counter()
    frame, spans = hotline.build(
        np.random.default_rng(1), build_pools(1), base_n, dt.date(2025, 1, 1)
    )
    base = frame.select("ticket_id", "content")
    texts = base.select("content").pipe(
        lambda f: pl.concat([f] * -(-args.rows // base_n)).head(args.rows)
    )
    built = time.perf_counter() - t0
    print(f"built {base_n:,} tickets, tiled to {texts.height:,} rows in {built:.1f}s")

    baseline = per_row_regex(texts["content"].head(args.baseline_rows).to_list())
    print(f"baseline, Python re per row: {baseline:,.0f} rows/s ({args.baseline_rows:,} rows)")

    found, best = None, float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        found = scan_frame(texts)
        best = min(best, time.perf_counter() - t0)
    assert found is not None
    rate = texts.height / best
    print(f"scan_frame: {texts.height:,} rows in {best:.2f}s = {rate:,.0f} rows/s, "
          f"{found.height:,} findings, x{rate / baseline:.1f} the baseline")  # fmt: skip

    # recall and surplus against the planted spans of the base rows
    got = (
        found.filter(pl.col("row") < base_n)
        .join(base.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)), on="row")
        .group_by("ticket_id", "entity")
        .agg(got=pl.len())
    )
    truth = (
        spans.filter(pl.col("entity").is_in(GATE))
        .group_by(ticket_id="row_key", entity="entity")
        .agg(want=pl.len())
    )
    both = truth.join(got, on=["ticket_id", "entity"], how="full", coalesce=True).fill_null(0)
    summary = both.group_by("entity").agg(
        planted=pl.col("want").sum(),
        found=pl.min_horizontal("want", "got").sum(),
        surplus=(pl.col("got") - pl.col("want")).clip(0).sum(),
    )
    print(summary.with_columns(recall=pl.col("found") / pl.col("planted")).sort("entity"))


if __name__ == "__main__":
    main()
