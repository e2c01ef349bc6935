"""Whole `sluice build` commands against the copy floor, with and without a Prefect server,
and a `make demo` with nothing to rebuild; everything in the same run, interleaved.

For each size: a social-insurance-like resource is written once and registered in a template
domain; then each repetition copies the template and times, side by side,
  copy      pl.scan_parquet(src).sink_parquet(dst) in a fresh process (its own seconds)
  copy cmd  the same copy as a whole command (interpreter start and imports included)
  direct    `sluice build POLICY --product P` with no Prefect API (the command's wall time)
  server    the same command against a running `prefect server start` (started once)
and prints min and median seconds, the ratio to the copy, and the target for the in-process
build (2 s plus 2x the copy), against the copy's own seconds and against the copy command.
Then `make demo` is run twice in a fresh domain and the second run, which has nothing to
rebuild, is timed.

    .venv/bin/python bench/bench_command.py --rows 100000,10000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import bench_policy, make_resource

ROOT = Path(__file__).resolve().parent.parent
SLUICE = Path(sys.executable).parent / "sluice"
PRODUCT = "insured_by_city_age"
COPY = (
    "import json, sys, time\n"
    "import polars as pl\n"
    "start = time.perf_counter()\n"
    "pl.scan_parquet(sys.argv[1]).sink_parquet(sys.argv[2])\n"
    "print(json.dumps({'seconds': time.perf_counter() - start}))\n"
)


def environment(home: Path, api: str) -> dict[str, str]:
    return {**os.environ, "SLUICE_HOME": str(home / "domain"),
            "SLUICE_PUBLISH_DIR": str(home / "published"), "PREFECT_API_URL": api,
            "SLUICE_TODAY": "2026-07-01", "SLUICE_ACTOR": "bench"}  # fmt: skip


def template(folder: Path, rows: int) -> tuple[Path, Path]:
    """A domain with the resource registered, and its policy."""
    src = folder / "domain" / "raw" / "social_insurance.parquet"
    src.parent.mkdir(parents=True)
    make_resource(src, rows, "parquet")
    policy = bench_policy(folder, Path("raw/social_insurance.parquet"), "parquet")
    done = subprocess.run([str(SLUICE), "register", str(policy)], env=environment(folder, ""),
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"register failed:\n{done.stdout}{done.stderr}")
    return src, policy


def timed_build(folder: Path, run: Path, policy: Path, api: str) -> float:
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(folder / "domain", run / "domain")
    start = time.perf_counter()
    done = subprocess.run(
        [str(SLUICE), "build", str(policy), "--product", PRODUCT], env=environment(run, api),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode or "published" not in done.stdout:
        raise SystemExit(f"build failed:\n{done.stdout}{done.stderr}")
    return seconds


def timed_copy(src: Path, dst: Path) -> tuple[float, float]:
    """The copy's own seconds, and the wall time of the whole command (interpreter start and
    polars' import included, as the build command's wall time includes its own)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COPY, str(src), str(dst)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout)["seconds"], time.perf_counter() - start


def server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(folder / "prefect"), "PREFECT_API_URL": ""}
    process = subprocess.Popen(
        [str(SLUICE.parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
         str(port), "--no-ui"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    for _ in range(600):
        try:
            import urllib.request

            with urllib.request.urlopen(f"{api}/health", timeout=2):
                return process, api
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the Prefect server did not start")


def row(name: str, values: list[float], base: float) -> str:
    low, mid = min(values), statistics.median(values)
    return f"  {name:8s} min {low:7.2f} s  median {mid:7.2f} s  x{mid / base:7.1f} of the copy"


def bench_size(rows: int, repeat: int, api: str, tmp: Path) -> None:
    folder = tmp / f"rows-{rows}"
    src, policy = template(folder, rows)
    found: dict[str, list[float]] = {"copy": [], "copy cmd": [], "direct": [], "server": []}
    for _ in range(repeat):
        inside, command = timed_copy(src, folder / "copy.parquet")
        found["copy"].append(inside)
        found["copy cmd"].append(command)
        found["direct"].append(timed_build(folder, folder / "run", policy, ""))
        found["server"].append(timed_build(folder, folder / "run", policy, api))
    base = statistics.median(found["copy"])
    print(f"{rows:,} rows (parquet {src.stat().st_size / 2**20:,.1f} MB), {repeat} run(s) each")
    for name, values in found.items():
        print(row(name, values, base))
    direct = statistics.median(found["direct"])
    for name in ("copy", "copy cmd"):
        target = 2 + 2 * statistics.median(found[name])
        print(f"  in-process build against 2 s + 2 x {name} = {target:.2f} s: median "
              f"{direct:.2f} s ({'met' if direct <= target else 'not met'})")  # fmt: skip


def bench_demo(tmp: Path) -> None:
    demo = tmp / "demo"
    env = {**os.environ, "SLUICE_HOME": str(demo / "domain"),
           "SLUICE_PUBLISH_DIR": str(demo / "published"), "PREFECT_API_URL": ""}  # fmt: skip
    first = subprocess.run(["make", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=False)  # fmt: skip
    if first.returncode:
        raise SystemExit(f"make demo failed:\n{first.stdout[-2000:]}{first.stderr[-2000:]}")
    start = time.perf_counter()
    again = subprocess.run(["make", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    ran = [line for line in again.stdout.splitlines() if "sluice" in line]
    print(f"make demo with nothing to rebuild: {seconds:.2f} s, {len(ran)} sluice command(s) run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-bench-") as name:
        tmp = Path(name)
        process, api = server(tmp)
        try:
            for rows in (int(r) for r in args.rows.split(",")):
                bench_size(rows, args.repeat, api, tmp)
        finally:
            process.terminate()
            process.wait(timeout=30)
        if not args.no_demo:
            bench_demo(tmp)


if __name__ == "__main__":
    main()
