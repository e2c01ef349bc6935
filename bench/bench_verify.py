"""Verification throughput: a million claims against a ten-million-row resource.

Usage: python bench/bench_verify.py [--rows 10000000] [--claims 1000000] [--seed 11]

Generates a social-insurance-like resource (valid resident IDs, Chinese names, year, months
paid; about two rows per person), builds the verification index (keyed pseudonyms of the ID
and the name), then answers a batch of identity and insured_months claims (true, wrong name,
unknown ID, bad checksum, months at and above the truth) with `answer_claims` and the
enumeration checks, as `sluice verify` does. Baseline, in the same process: a plain polars
left join of the claims' keyed IDs on the index's, the least any lookup by identifier costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.identifiers import resident_ids
from sample_data.pools import build_pools
from transforms.detectors.registry import get_detector
from transforms.verification import ClaimRule, answer_claims, enumeration_signals
from transforms.verification.index import ID, keyed, verification_index

KEY = b"bench-verification-key-012345678"
RULES = [
    ClaimRule("identity", match={"xm": "name"}),
    ClaimRule("insured_months", where={"jfnd": "year"}, at_least={"jfys": "months"}),
]


def resource_rows(rng: np.random.Generator, rows: int) -> pl.DataFrame:
    people = rows // 2
    at = dt.date(2026, 6, 30)
    ages = np.arange(18, 66)
    birth = birth_dates(rng, at, ages, np.ones(len(ages)), people)
    male = rng.random(people) < 0.5
    ids = resident_ids(rng, regions.sample_districts(rng, people), birth, male)
    names = build_pools(7).names(rng, male)
    person = np.repeat(np.arange(people), 2)[:rows]
    return pl.DataFrame(
        {
            "sfzh": ids.gather(person),
            "xm": pl.Series(names).gather(person),
            "jfnd": np.tile([2024, 2025], people)[:rows],
            "jfys": rng.integers(0, 13, rows),
        }
    )


def claim_batch(rng: np.random.Generator, data: pl.DataFrame, n: int) -> pl.DataFrame:
    pick = rng.integers(0, data.height, n)
    rows = data[pick]
    kind = rng.choice(["identity", "insured_months"], n)
    roll = rng.random(n)
    names = rows["xm"].to_numpy().copy()
    wrong = roll < 0.2
    names[wrong] = data["xm"].to_numpy()[rng.integers(0, data.height, int(wrong.sum()))]
    ids = rows["sfzh"].to_numpy().astype(object)
    bad = (roll >= 0.2) & (roll < 0.25)
    ids[bad] = [s[:-1] + ("1" if s[-1] != "1" else "2") for s in ids[bad]]
    return pl.DataFrame(
        {
            "claim": kind,
            "identifier": ids.astype(str),
            "name": names,
            "year": rows["jfnd"].cast(pl.String),
            "months": (rows["jfys"] + (roll > 0.8).astype(int)).cast(pl.String),
        }
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    data = resource_rows(rng, args.rows)
    claims = claim_batch(rng, data, args.claims)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    index = verification_index(data.lazy(), identifier="sfzh", rules=RULES, key=KEY).collect()
    indexed = time.perf_counter() - started
    del data

    started = time.perf_counter()
    baseline = claims.select(keyed(pl.col("identifier"), KEY).alias(ID)).join(
        index.select(ID).unique(), on=ID, how="left"
    )
    joined = time.perf_counter() - started
    del baseline

    started = time.perf_counter()
    answers = answer_claims(
        claims, index.lazy(), rules=RULES, key=KEY,
        valid=get_detector("CN_RESIDENT_ID").valid_expr,
    )  # fmt: skip
    signals = enumeration_signals(
        claims, answers, rules=RULES, max_values=3, max_no_match_share=0.5, min_claims=20
    )
    answered = time.perf_counter() - started
    counts = answers["status"].value_counts().sort("status").rows()

    print(f"resource {args.rows:,} rows, {args.claims:,} claims (generated in {generated:.1f} s)")
    print(f"index: {index.height:,} rows in {indexed:.1f} s ({args.rows / indexed:,.0f} rows/s)")
    print()
    print("| step | time | claims/s | vs baseline |")
    print("|---|---|---|---|")
    print(f"| keyed ID + join (baseline) | {joined:.2f} s | {args.claims / joined:,.0f} | x1.00 |")
    print(
        f"| answer_claims + enumeration checks | {answered:.2f} s | "
        f"{args.claims / answered:,.0f} | x{answered / joined:.2f} |"
    )
    print()
    print("answers:", ", ".join(f"{s} {n:,}" for s, n in counts), "| signals:", signals or "none")
    print(f"peak RSS {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
