"""Run every benchmark with the arguments docs/benchmarks.md reports, one after another.

Usage: python bench/run_all.py [--quick] [--only NAME[,NAME...]]
--quick runs each at a size that finishes in minutes (for checking that the scripts work, not
for the figures); without it, the full runs take well over an hour on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (full arguments as in docs/benchmarks.md, quick arguments); runs bench_<name>.py unless
# SCRIPTS names another script
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "sample": (["--rows", "1000000"], ["--rows", "100000", "--baseline-rows", "5000"]),
    "scan": (["--rows", "1000000"], ["--rows", "100000"]),
    "accuracy": (["--rows", "20000"], ["--rows", "2000"]),
    "classify_eval": (["--rows", "2000"], ["--rows", "500"]),
    "classify_speed": (["--rows", "10000000"], ["--rows", "200000"]),
    "build": (["--rows", "10000000", "--repeat", "2"], ["--rows", "200000", "--repeat", "1"]),
    "build_csv": (
        ["--rows", "10000000", "--repeat", "2", "--format", "csv", "--modes", "copy,ingest,build"],
        ["--rows", "200000", "--repeat", "1", "--format", "csv", "--modes", "copy,ingest,build"],
    ),
    "scaling": (
        ["--repeat", "1"],
        [
            *("--rows-list", "100000,300000"),
            *("--work", "/tmp/scaling-quick", "--plot-dir", "/tmp/scaling-quick-plots"),
        ],
    ),
    "adult": (["--repeat", "3", "--loss", "--diversity"], ["--repeat", "1"]),
    "arx_grid": (["--repeat", "1"], ["--quick"]),
    "local": (["--repeat", "3", "--scale"], ["--repeat", "1"]),
    "anonymize_scale": ([], ["--rows-list", "100000,200000"]),
    "verify": (
        ["--rows", "10000000", "--claims", "1000000", "--repeat", "9"],
        ["--rows", "200000", "--claims", "20000", "--repeat", "2"],
    ),
    "enumeration": (
        ["--rows", "10000000", "--claims", "1000000"],
        ["--rows", "200000", "--claims", "20000", "--repeat", "1"],
    ),
    "redact": (["--rows", "10000"], ["--rows", "500"]),
    "linked": (["--rows", "1000000", "--repeat", "3"], ["--rows", "200000", "--repeat", "1"]),
    "linked_build": (
        ["--rows", "1000000", "--repeat", "6"],
        ["--rows", "200000", "--repeat", "1"],
    ),
    "secondary": (["--rows", "1000000", "--repeat", "5"], ["--rows", "100000", "--repeat", "1"]),
}
SCRIPTS = {"build_csv": "bench_build.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the scripts")
    parser.add_argument("--only", default="", help="comma-separated bench names")
    args = parser.parse_args()
    chosen = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    failed = []
    for name in chosen:
        full, quick = BENCHES[name]
        script = HERE / SCRIPTS.get(name, f"bench_{name}.py")
        command = [sys.executable, str(script), *(quick if args.quick else full)]
        print(f"\n== {name}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.run(command, check=False).returncode
        print(f"== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
