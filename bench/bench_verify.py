"""Verification answering beside a bare DuckDB join: a million claims, a ten-million-row index.

Usage: python bench/bench_verify.py [--rows 10000000] [--claims 1000000] [--repeat 9] [--seed 11]

Generates a social-insurance-like resource (valid resident IDs, Chinese names, year, months
paid; about two rows per person) and a batch of identity and insured_months claims (true,
wrong name, bad checksum, months at and above the truth), builds the verification index with
`verification_index` and writes it to Parquet as a build keeps it inside the domain. Then,
in one process, repeated pairs with the order swapped each time:

  duckdb  the baseline: the batch keyed beforehand, outside the timing (row, claim type, the
          identifier's and the name's keyed values as the index stores them, year, months),
          then `SELECT * FROM claims LEFT JOIN read_parquet(index) USING (__id, __low__id)`
          materialised as an Arrow table: every claim beside every record of its identifier,
          nothing tested.
  sluice  `answer_claims` from the claims as `sluice verify` receives them (the batch written
          as CSV and read back as text, outside the timing) to the answers, reading the same
          file with `pl.scan_parquet`: identifiers compacted and checksum-tested, identifiers
          and names keyed, the join, every part of every claim tested, one status per claim.
  keying  a part of sluice's work, for scale: every claim's identifier compacted and keyed
          as answering keys it (HMAC-SHA256, as two UInt64 halves).

Prints each side's seconds (and process CPU seconds, both cores counted), sluice / duckdb per
pair (min and median), each side's peak resident memory above what the process held before
the step, and the answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.identifiers import resident_ids
from sample_data.pools import build_pools
from transforms.detectors.normalize import compact_expr
from transforms.detectors.registry import get_detector
from transforms.verification import ClaimRule, answer_claims, verification_index
from transforms.verification.index import ID, halves, keyed, keyed_compact

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


def keyed_claims(claims: pl.DataFrame) -> pl.DataFrame:
    """The batch as the baseline receives it: keys already computed."""
    hexed = claims.with_row_index("row").with_columns(
        keyed(pl.col("identifier"), KEY).alias("identifier"),
        keyed(pl.col("name"), KEY).alias("name"),
    )
    return hexed.select(
        "row",
        "claim",
        *halves(pl.col("identifier"), ID),
        *halves(pl.col("name"), "name"),
        "year",
        "months",
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def timed(step: Callable[[], object]) -> tuple[float, float, float, object]:
    """Seconds, CPU seconds and peak resident memory above the start (sampled every 5 ms) of
    one step."""
    start, peak, done = rss_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    began, cpu = time.perf_counter(), time.process_time()
    result = step()
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    done.set()
    sampler.join()
    return took, cpu, max(peak[0], rss_mb()) - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    data = resource_rows(rng, args.rows)
    folder = tempfile.TemporaryDirectory()
    batch = Path(folder.name) / "claims.csv"
    claim_batch(rng, data, args.claims).write_csv(batch)
    claims = pl.read_csv(batch, infer_schema=False)
    path = Path(folder.name) / "index.parquet"
    started = time.perf_counter()
    index = verification_index(data.lazy(), identifier="sfzh", rules=RULES, key=KEY)
    index.collect(engine="streaming").write_parquet(path)
    indexed = time.perf_counter() - started
    del data
    baseline_claims = keyed_claims(claims)
    connection = duckdb.connect()
    connection.register("claims", baseline_claims.to_arrow())
    bare = f"SELECT * FROM claims LEFT JOIN read_parquet('{path}') USING (__id, __low__id)"
    valid = get_detector("CN_RESIDENT_ID").valid_expr
    compacted = compact_expr(pl.col("identifier"))
    identifiers = claims.lazy().select(halves(keyed_compact(compacted, KEY), ID))
    sides: dict[str, Callable[[], object]] = {
        "duckdb": lambda: connection.sql(bare).to_arrow_table(),
        "sluice": lambda: answer_claims(
            claims, pl.scan_parquet(path), rules=RULES, key=KEY, valid=valid
        ),
        "keying": lambda: identifiers.collect(engine="streaming"),
    }
    times: dict[str, list[float]] = {side: [] for side in sides}
    cpus: dict[str, list[float]] = {side: [] for side in sides}
    peaks: dict[str, float] = dict.fromkeys(sides, 0.0)
    results: dict[str, object] = {}
    for turn in range(args.repeat):
        for side in list(sides) if turn % 2 == 0 else list(sides)[::-1]:
            took, cpu, peak, results[side] = timed(sides[side])
            times[side].append(took)
            cpus[side].append(cpu)
            peaks[side] = max(peaks[side], peak)
    ratios = {
        side: [s / d for d, s in zip(times["duckdb"], times[side], strict=True)]
        for side in ("sluice", "keying")
    }
    answers = results["sluice"]
    assert isinstance(answers, pl.DataFrame)
    counts = answers["status"].value_counts().sort("status").rows()
    joined = getattr(results["duckdb"], "num_rows", 0)

    print(f"index {args.rows:,} rows built in {indexed:.1f} s; claims {args.claims:,}")
    for side in sides:
        listed = ", ".join(f"{t:.2f}" for t in times[side])
        print(
            f"{side:6} median {statistics.median(times[side]):.2f} s  [{listed}]  "
            f"cpu median {statistics.median(cpus[side]):.2f} s  peak +{peaks[side]:,.0f} MB"
        )
    for side, paired in ratios.items():
        print(f"{side} / duckdb: min x{min(paired):.2f}, median x{statistics.median(paired):.2f}")
    print(f"duckdb rows {joined:,}; answers:", ", ".join(f"{s} {n:,}" for s, n in counts))
    folder.cleanup()


if __name__ == "__main__":
    main()
