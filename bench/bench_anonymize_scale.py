"""Optimal k-anonymity (k=5) at 1 to 10 million rows: cost per row and peak memory.

Does the cost per row stay flat as the table grows, and where does memory go?

Usage: python bench/bench_anonymize_scale.py [--rows-list 1000000,2000000,5000000,10000000]
           [--k 5] [--limits 0.05,0] [--seed 7]

Each size runs in a fresh subprocess, so its peak memory is its own. The subprocess generates a
public-data-like table with numpy (age, sex, 6-digit district code, a 2020-2025 date, education,
occupation: 6 quasi-identifiers), builds the hierarchies with the built-in builders, then times
encode, the search (``optimal_node``, Discernibility) at each suppression limit, and publishing
the first limit's node (``apply_node``). Peak resident memory (VmHWM) is reset before each stage
(/proc/self/clear_refs), so every stage reports the largest resident size it reached. The cost
per row of each size is given against the first size of the same command.
"""

from __future__ import annotations

import _thread
import argparse
import ctypes
import gc
import json
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl

from transforms.anonymize.apply import apply_node
from transforms.anonymize.builders import (
    date_hierarchy,
    district_hierarchy,
    interval_hierarchy,
    suppression_hierarchy,
)
from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.metrics import Discernibility
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import optimal_node

EDUCATION = {
    "primary": "basic",
    "junior-secondary": "basic",
    "senior-secondary": "secondary",
    "vocational": "secondary",
    "associate": "tertiary",
    "bachelor": "tertiary",
    "master": "postgraduate",
    "doctorate": "postgraduate",
}
EDUCATION_SHARE = [0.12, 0.25, 0.2, 0.12, 0.12, 0.14, 0.04, 0.01]
SECTORS = {
    "agriculture": ["farmer", "fisher", "forester", "herder"],
    "industry": ["assembler", "welder", "electrician", "machinist"],
    "services": ["cashier", "cook", "driver", "nurse"],
    "office": ["clerk", "accountant", "salesperson", "manager"],
    "professional": ["engineer", "teacher", "doctor", "lawyer"],
}
PROVINCES = ["11", "31", "32", "33", "35", "37", "42", "44", "51", "61"]
FIRST_DAY = np.datetime64("2020-01-01")
DAYS = int((np.datetime64("2026-01-01") - FIRST_DAY).astype(int))


def zipf_shares(n: int, rng: np.random.Generator, s: float = 0.8) -> np.ndarray:
    """Skewed shares in shuffled order, as populations of places are."""
    shares = 1.0 / np.arange(1, n + 1) ** s
    rng.shuffle(shares)
    return shares / shares.sum()


def generate(rows: int, seed: int) -> pl.DataFrame:
    """A register-like table, vectorised: realistic marginals, no per-row Python."""
    rng = np.random.default_rng(seed)
    age = np.clip(np.round(rng.gamma(4.0, 10.0, rows)), 0, 99).astype(np.int64)
    districts = np.array(
        [f"{p}{c:02d}{d:02d}" for p in PROVINCES for c in range(1, 4) for d in range(1, 11)]
    )
    education = np.array(list(EDUCATION))
    jobs = np.array([job for group in SECTORS.values() for job in group])
    day = rng.integers(0, DAYS, rows)
    return pl.DataFrame(
        {
            "age": age,
            "sex": np.where(rng.random(rows) < 0.51, "F", "M"),
            "district": districts[rng.choice(len(districts), rows, p=zipf_shares(300, rng))],
            "date": pl.Series(FIRST_DAY + day.astype("timedelta64[D]")).dt.strftime("%Y-%m-%d"),
            "education": education[rng.choice(len(education), rows, p=EDUCATION_SHARE)],
            "occupation": jobs[rng.choice(len(jobs), rows, p=zipf_shares(len(jobs), rng))],
        }
    )


def grouped(column: str, groups: dict[str, str]) -> Hierarchy:
    """A hand hierarchy of one grouping level: value -> group -> "*"."""
    return Hierarchy(column, [{v: v for v in groups}, dict(groups), {v: "*" for v in groups}])


def hierarchies(frame: pl.DataFrame) -> dict[str, Hierarchy]:
    """Built from each column's distinct values (the builders read values, not rows)."""
    values = {c: frame[c].unique().to_list() for c in frame.columns}
    occupation = {job: sector for sector, jobs in SECTORS.items() for job in jobs}
    return {
        "age": interval_hierarchy("age", values["age"], [5, 10, 50]),
        "sex": suppression_hierarchy("sex", values["sex"]),
        "district": district_hierarchy("district", values["district"]),
        "date": date_hierarchy("date", values["date"]),
        "education": grouped("education", EDUCATION),
        "occupation": grouped("occupation", occupation),
    }


def memory_mb(field: str) -> float:
    """A VmXXX line of /proc/self/status, in MB."""
    status = Path("/proc/self/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith(field)).split()[1]) / 1024


class Watchdog(threading.Thread):
    """Interrupts the main thread once resident memory passes ``cap_mb``, so a size that does
    not fit stops with a report instead of taking the machine down."""

    def __init__(self, cap_mb: float) -> None:
        super().__init__(daemon=True)
        self.cap_mb = cap_mb
        self.tripped = False

    def run(self) -> None:
        while True:
            time.sleep(0.05)
            if not self.tripped and memory_mb("VmRSS") > self.cap_mb:
                self.tripped = True
                _thread.interrupt_main()


def release() -> None:
    """Hand freed heap back to the OS, so a stage's peak is not the previous stage's leftover."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def stage(report: dict[str, Any], name: str, work: Callable[[], Any], watchdog: Watchdog) -> Any:
    """Time one stage and record the peak resident size reached during it (None if the
    watchdog stopped it)."""
    release()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    started = time.perf_counter()
    entry: dict[str, Any] = {}
    try:
        result = work()
    except KeyboardInterrupt:
        if not watchdog.tripped:
            raise
        result = None
        entry["error"] = f"stopped at {watchdog.cap_mb / 1024:.0f} GB resident"
    entry |= {"s": time.perf_counter() - started, "peak_mb": memory_mb("VmHWM")}
    report[name] = entry
    if watchdog.tripped:
        release()
        watchdog.tripped = False
    return result


class ClassTracker:
    """Records the most memory held at once by live equivalence-class tables (``Classes``)
    during a search, by wrapping the grouping function that creates them. Diagnostic only:
    it slows the search, so its runs are not for timing."""

    def __init__(self) -> None:
        self.live: list[weakref.ref] = []
        self.peak: dict[str, float] = {"mb": 0.0, "objects": 0, "classes": 0, "rss_mb": 0.0}
        module = sys.modules["transforms.anonymize.encode"]
        original = module._group

        def tracked(*args: Any, **kwargs: Any) -> Any:
            made = original(*args, **kwargs)
            self.live = [ref for ref in self.live if ref() is not None]
            self.live.append(weakref.ref(made))
            held = [c for c in (ref() for ref in self.live) if c is not None]
            size = sum(
                c.sizes.nbytes + c.members.nbytes + (c.keys.nbytes if c.keys is not None else 0)
                for c in held
            )
            if size / 2**20 > self.peak["mb"]:
                self.peak = {
                    "mb": size / 2**20,
                    "objects": len(held),
                    "classes": sum(len(c.sizes) for c in held),
                    "rss_mb": memory_mb("VmRSS"),
                }
            return made

        module._group = tracked


def child(args: argparse.Namespace, limits: list[float]) -> dict[str, Any]:
    """Everything for one size, in this process; returns the JSON report."""
    watchdog = Watchdog(args.max_rss_gb * 1024)
    watchdog.start()
    rows = args.rows
    report: dict[str, Any] = {"rows": rows}
    frame = stage(report, "generate", lambda: generate(rows, args.seed), watchdog)
    built = stage(report, "hierarchies", lambda: hierarchies(frame), watchdog)
    data = stage(report, "encode", lambda: encode(frame, built), watchdog)
    report["combinations"] = len(data.codes)
    report["searches"] = []
    first = None
    for limit in limits:
        tracker = ClassTracker() if args.trace else None
        info: dict[str, Any] = {}
        allowed = max_suppressed(limit, rows)
        model = KAnonymity(args.k)
        result = stage(
            info,
            "search",
            lambda a=allowed, m=model, d=data: optimal_node(d, [m], a, Discernibility()),
            watchdog,
        )
        entry = {"limit": limit, **info["search"]}
        if result is not None:
            first = first or result
            entry |= {
                "levels": list(result.node),
                "suppressed": result.suppressed,
                "classes": result.classes,
                "dm": result.value,
                "nodes_checked": result.nodes_checked,
                "nodes_total": result.nodes_total,
            }
        if tracker is not None:
            entry["held"] = tracker.peak
        report["searches"].append(entry)
    del data
    levels = (
        first.levels
        if first
        else dict(zip(built, map(int, args.apply_levels.split(",")), strict=True))
    )
    report["applied"] = list(levels.values())
    out = stage(report, "apply", lambda: apply_node(frame, built, levels, args.k), watchdog)
    report["published_rows"] = out.height if out is not None else None
    return report


def run_size(rows: int, args: argparse.Namespace) -> dict[str, Any]:
    """One size in a fresh interpreter, so its memory peak is not the previous size's."""
    command = [sys.executable, __file__, "--child", "--rows", str(rows), "--seed", str(args.seed)]
    command += ["--k", str(args.k), "--limits", args.limits, "--max-rss-gb", str(args.max_rss_gb)]
    command += ["--apply-levels", args.apply_levels] + (["--trace"] if args.trace else [])
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=os.environ)
    if done.returncode != 0:
        raise SystemExit(f"{rows:,} rows failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def seconds(entry: dict[str, Any]) -> str:
    """Seconds with a precision that suits their size, marked when the stage was stopped."""
    value = entry["s"]
    text = f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    return f"stopped at {text}" if "error" in entry else text


def ratio(entry: dict[str, Any], rows: int, base: dict[str, Any], base_rows: int) -> str:
    """time(n)/n divided by time(base)/base, or a dash when either stage was stopped."""
    if "error" in entry or "error" in base:
        return "-"
    return f"x{(entry['s'] / rows) / (base['s'] / base_rows):.2f}"


def print_tables(reports: list[dict[str, Any]], limits: list[float]) -> None:
    """Times with the per-row cost against the first size, peak RSS per stage, search work."""
    base = reports[0]
    n0 = base["rows"]
    searches = [f"search {lim:.0%}" for lim in limits]
    stages = ["encode", *searches, "apply"]

    def entries(r: dict[str, Any]) -> list[dict[str, Any]]:
        return [r["encode"], *r["searches"], r["apply"]]

    print(f"\nTime per stage; in brackets the cost per row against {n0:,} rows:\n")
    print("| rows | " + " | ".join(stages) + " |")
    print("|---" * (1 + len(stages)) + "|")
    for r in reports:
        cells = [
            f"{seconds(e)} ({ratio(e, r['rows'], b, n0)})"
            for e, b in zip(entries(r), entries(base), strict=True)
        ]
        print(f"| {r['rows']:,} | " + " | ".join(cells) + " |")
    print("\nPeak resident memory (VmHWM) reached during each stage:\n")
    print("| rows | generate | hierarchies | " + " | ".join(stages) + " |")
    print("|---" * (3 + len(stages)) + "|")
    for r in reports:
        peaks = [r["generate"], r["hierarchies"], *entries(r)]
        print(f"| {r['rows']:,} | " + " | ".join(f"{e['peak_mb']:,.0f} MB" for e in peaks) + " |")
    held = [(r, s) for r in reports for s in r["searches"] if "held" in s]
    if held:
        print("\nMost memory held at once by the search's class tables (--trace):\n")
        print("| rows | limit | class tables | classes in them | their arrays | RSS then |")
        print("|---|---|---|---|---|---|")
        for r, s in held:
            h = s["held"]
            print(
                f"| {r['rows']:,} | {s['limit']:.0%} | {h['objects']:,} | {h['classes']:,} | "
                f"{h['mb']:,.0f} MB | {h['rss_mb']:,.0f} MB |"
            )
    print("\nWhat the search did:\n")
    print("| rows | distinct combinations | limit | levels | suppressed | classes | DM | nodes |")
    print("|---|---|---|---|---|---|---|---|")
    for r in reports:
        for s in r["searches"]:
            if "error" in s:
                print(
                    f"| {r['rows']:,} | {r['combinations']:,} | {s['limit']:.0%} | {s['error']} |"
                )
                continue
            print(
                f"| {r['rows']:,} | {r['combinations']:,} | {s['limit']:.0%} | "
                f"{','.join(map(str, s['levels']))} | {s['suppressed']:,} | {s['classes']:,} | "
                f"{int(s['dm']):,} | {s['nodes_checked']:,} / {s['nodes_total']:,} |"
            )


def main() -> None:
    """Run every size in its own subprocess and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-list", default="1000000,2000000,5000000,10000000")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--limits", default="0.05", help="suppression limits, fractions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--max-rss-gb", type=float, default=10.0, help="stop a stage above this resident size"
    )
    parser.add_argument(
        "--apply-levels",
        default="4,0,3,0,2,2",
        help="node published when every search of a size was stopped",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="report the memory held by the search's class tables (slower; not for timing)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    limits = [float(x) for x in args.limits.split(",")]
    if args.child:
        print(json.dumps(child(args, limits)))
        return
    reports = []
    for rows in (int(x) for x in args.rows_list.split(",")):
        report = run_size(rows, args)
        reports.append(report)
        peak = max(e["peak_mb"] for e in [report["encode"], *report["searches"], report["apply"]])
        done = ", ".join(f"search {s['limit']:.0%} {seconds(s)}" for s in report["searches"])
        print(f"{rows:,} rows: encode {seconds(report['encode'])}, {done}, peak {peak:,.0f} MB")
    print_tables(reports, limits)


if __name__ == "__main__":
    main()
