"""Enumeration control's cost: a batch answered alone, and answered under enumeration control
with a window of history already filled, side by side.

Usage: python bench/bench_enumeration.py [--rows 10000000] [--claims 1000000] [--history 2]
    [--repeat 5] [--seed 11]

The resource and claims are bench_verify.py's (identity and insured_months claims against a
social-insurance-like resource), with the minimums drawn from the declared thresholds as a
client's would be. The window is filled first: `--history` earlier batches of the same size,
one a day, each put through the whole control and recorded in a state.duckdb of its own. Then
the measured batch is answered by `answer_claims` alone, and, on a copy of that state, as
`sluice verify` answers it: keyed and judged against the window while the answers are worked
out, judged again with them, and charged, audited and recorded in one transaction; in pairs,
the order swapped each time. Wall time is what a client waits; CPU time (every thread of the
process) is the work done, which other processes on the machine disturb less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from bench_verify import KEY, claim_batch, resource_rows  # noqa: E402

from flows.kinds.verification import VerificationProduct, rules, validator  # noqa: E402
from flows.services.enumeration import Control, control, while_answering  # noqa: E402
from flows.services.verify_records import commit  # noqa: E402
from flows.settings import Paths  # noqa: E402
from governance.audit import Entry  # noqa: E402
from transforms.verification import answer_claims, verification_index  # noqa: E402
from transforms.verification.answer import answer_keyed, keyed_claims  # noqa: E402

THRESHOLDS = [3, 6, 12]
PRODUCT = VerificationProduct.model_validate(
    {
        "id": "bench_verification", "kind": "verification", "title": "bench",
        "supply_mode": "open", "purpose": "public_welfare",
        "identifier": {"column": "sfzh", "entity": "CN_RESIDENT_ID"},
        "claims": [
            {"id": "identity", "title": "identity", "match": {"xm": "name"}},
            {"id": "insured_months", "title": "months", "where": {"jfnd": "year"},
             "at_least": {"jfys": "months"}, "thresholds": {"months": THRESHOLDS}},
        ],
        "enumeration": {"max_claims_per_batch": 10_000_000, "max_probe_share": 1.0,
                        "max_values_per_identifier": 10, "max_thresholds_per_identifier": 3},
    }
)  # fmt: skip
DAY = dt.date(2026, 7, 1)
T = TypeVar("T")


def batch(rng: np.random.Generator, data: pl.DataFrame, n: int) -> pl.DataFrame:
    """bench_verify's claims, each minimum one of the declared thresholds."""
    claims = claim_batch(rng, data, n)
    return claims.with_columns(months=pl.Series(rng.choice(THRESHOLDS, n)).cast(pl.String))


def controlled(paths: Paths, claims: pl.DataFrame, index: pl.DataFrame, day: dt.date) -> dict:
    """The batch answered as `sluice verify` answers it: keyed once, judged before answering
    while the answers are worked out, judged again with them, then charged, audited and
    recorded; with the wall time of each stage."""
    stages: dict[str, float] = {}

    def timed(name: str, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        out = work()
        stages[name] = time.perf_counter() - started
        return out

    started = time.perf_counter()
    keyed = timed("keying the batch", lambda: keyed_claims(
        claims, index.lazy(), rules=rules(PRODUCT), key=KEY, valid=validator(PRODUCT)
    ))  # fmt: skip

    def judging() -> Control:
        return control(paths, PRODUCT, "operator", claims, KEY, day, keyed)

    def answering() -> pl.DataFrame:
        return answer_keyed(keyed, index.lazy(), rules=rules(PRODUCT))

    checked, answers = while_answering(
        lambda: timed("judging before answering", judging),
        lambda: timed("answering beside it", answering),
    )
    batch, breaches = timed("judging with the answers", lambda: checked.after(answers))
    entry = Entry(actor="operator", action="verify", counts={"claims": answers.height})
    manifest = {"product": PRODUCT.id, "kind": "verification"}
    timed("the transaction", lambda: commit(
        paths, manifest, None, entry, checked, batch, Path("claims.csv"), day
    ))  # fmt: skip
    return {
        "time": time.perf_counter() - started,
        "breaches": [b.rule for b in [*checked.breaches, *breaches]],
        "window": sum(checked.verdict.told.values()),
        "stages": stages,
    }


def cpu() -> float:
    """Seconds of CPU this process has used, every thread together."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def median(runs: list[tuple[float, float]], which: int) -> float:
    return statistics.median(r[which] for r in runs)


def answer(claims: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    return answer_claims(
        claims, index.lazy(), rules=rules(PRODUCT), key=KEY, valid=validator(PRODUCT)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--history", type=int, default=2, help="earlier batches in the window")
    parser.add_argument("--repeat", type=int, default=5, help="pairs of runs")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    data = resource_rows(rng, args.rows)
    index = verification_index(
        data.lazy(), identifier="sfzh", rules=rules(PRODUCT), key=KEY
    ).collect()
    alone, control, last, stages = [], [], {}, []
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp) / "domain", Path(tmp) / "published")
        for day in range(args.history):
            controlled(paths, batch(rng, data, args.claims), index, DAY + dt.timedelta(days=day))
        measured = batch(rng, data, args.claims)
        for run in range(args.repeat):  # pairs, the order swapped each time
            copy = Paths(Path(tmp) / f"run{run}", paths.publish)
            copy.home.mkdir()
            copy.state.write_bytes(paths.state.read_bytes())  # the window as history left it
            for side in ("alone", "control") if run % 2 == 0 else ("control", "alone"):
                started, spent = time.perf_counter(), cpu()
                if side == "alone":
                    answer(measured, index)
                else:
                    last = controlled(copy, measured, index, DAY + dt.timedelta(days=args.history))
                    stages.append(last["stages"])
                taken = (time.perf_counter() - started, cpu() - spent)
                (alone if side == "alone" else control).append(taken)
    walls = [c[0] / a[0] for a, c in zip(alone, control, strict=True)]
    cpus = [c[1] / a[1] for a, c in zip(alone, control, strict=True)]
    print(f"resource {args.rows:,} rows, batch {args.claims:,} claims, window of "
          f"{args.history} earlier batches ({last['window']:,} distinct claims), "
          f"{args.repeat} pairs")  # fmt: skip
    print()
    print("| | wall, median | CPU, median | under control / alone, per pair |")
    print("|---|---|---|---|")
    print(f"| answer_claims alone | {median(alone, 0):.2f} s | {median(alone, 1):.2f} s | |")
    print(f"| answered under enumeration control | {median(control, 0):.2f} s | "
          f"{median(control, 1):.2f} s | wall median x{statistics.median(walls):.2f} "
          f"(min x{min(walls):.2f}), CPU median x{statistics.median(cpus):.2f} |")  # fmt: skip
    print()
    for name, runs in (("alone", alone), ("under control", control)):
        print(f"{name}: " + ", ".join(f"{w:.2f} s ({c:.2f} s CPU)" for w, c in runs))
    print(f"limits crossed: {', '.join(last['breaches']) or 'none'}")
    print("stages under control, wall median: " + ", ".join(
        f"{name} {statistics.median(s[name] for s in stages):.2f} s" for name in stages[0]
    ))  # fmt: skip


if __name__ == "__main__":
    main()
