"""Benchmark the sample-data generator: total and per-resource wall time.

Usage: python bench/bench_sample.py [--rows 1000000] [--seed 20240901]
Writes into a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sample_data import defects as defects_mod
from sample_data import enterprise, hospital, hotline, social_insurance, truth
from sample_data.generate import DEFAULT_REFERENCE_DATE, _rng, generate
from sample_data.pools import build_pools


def per_resource(out: Path, rows: int, seed: int, ref: dt.date) -> dict[str, float]:
    """Time each resource (build + write) separately, in the order generate() runs them."""
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    t = time.perf_counter()
    pools = build_pools(seed)
    times["pools"] = time.perf_counter() - t

    t = time.perf_counter()
    firms = enterprise.build(_rng(seed, "enterprise_registry"), pools, rows, ref)
    enterprise.write(firms, str(out / "enterprise_registry.csv"))
    times["enterprise_registry"] = time.perf_counter() - t

    t = time.perf_counter()
    si = social_insurance.build(_rng(seed, "social_insurance"), pools, rows, ref, firms)
    si, defect_truth = defects_mod.plant_social_insurance(_rng(seed, "defects"), si)
    social_insurance.write(social_insurance.to_lines(si), str(out / "social_insurance.csv"))
    times["social_insurance"] = time.perf_counter() - t

    t = time.perf_counter()
    tickets, spans = hotline.build(_rng(seed, "hotline_tickets"), pools, rows, ref)
    hotline.write(tickets, str(out / "hotline_tickets.csv"))
    times["hotline_tickets"] = time.perf_counter() - t

    t = time.perf_counter()
    visits = hospital.build(_rng(seed, "hospital_visits"), rows, ref)
    hospital.write(visits, str(out / "hospital_visits.parquet"))
    times["hospital_visits"] = time.perf_counter() - t

    t = time.perf_counter()
    truth.write(out / "_truth", spans, defect_truth)
    times["truth"] = time.perf_counter() - t
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240901)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        generate(Path(tmp) / "all", rows=args.rows, seed=args.seed)
        total = time.perf_counter() - t
        print(f"generate(rows={args.rows:,}): {total:.2f} s total (4 resources + truth)")
        build_pools.cache_clear()
        times = per_resource(Path(tmp) / "parts", args.rows, args.seed, DEFAULT_REFERENCE_DATE)
        for name, seconds in times.items():
            print(f"  {name:<22} {seconds:6.2f} s")
        print(f"  {'sum of parts':<22} {sum(times.values()):6.2f} s")


if __name__ == "__main__":
    main()
