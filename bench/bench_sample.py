"""Benchmark the sample-data generator: total and per-resource wall time.

Usage: python bench/bench_sample.py [--rows 1000000] [--seed 20240901] [--baseline-rows 20000]
The baseline, run first in the same command, is row-by-row Faker (five fields a row).
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


def faker_row_by_row(rows: int, seed: int) -> float:
    """Baseline: the obvious generator, one Faker call per field per row (rows/s)."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    t = time.perf_counter()
    for _ in range(rows):
        (fake.ssn(), fake.name(), fake.phone_number(), fake.address(), fake.company())
    return rows / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    args = parser.parse_args()
    baseline = faker_row_by_row(args.baseline_rows, args.seed)
    print(f"baseline, Faker row by row: {baseline:,.0f} rows/s ({args.baseline_rows:,} rows)")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        generate(Path(tmp) / "all", rows=args.rows, seed=args.seed)
        total = time.perf_counter() - t
        print(f"generate(rows={args.rows:,}): {total:.2f} s total (4 resources + truth)")
        rate = 4 * args.rows / total
        print(f"  {rate:,.0f} rows/s over the 4 resources = x{rate / baseline:.0f} the baseline")
        build_pools.cache_clear()
        times = per_resource(Path(tmp) / "parts", args.rows, args.seed, DEFAULT_REFERENCE_DATE)
        for name, seconds in times.items():
            print(f"  {name:<22} {seconds:6.2f} s")
        print(f"  {'sum of parts':<22} {sum(times.values()):6.2f} s")


if __name__ == "__main__":
    main()
