"""The Dask engine beside the local engine, on the same input: `sluice sample --rows N` once,
then the same products built by `sluice build` in three fresh domains holding that sample:
  local          the local engine (one process, one streaming pass per resource)
  dask 1 worker  --engine dask on a LocalCluster of one worker process
  dask 2 workers --engine dask on a LocalCluster of two worker processes
Each build is timed end to end (wall clock, the command as an operator runs it, without a
Prefect server), and every published data.parquet is compared with the local engine's.

    .venv/bin/python bench/bench_dask.py --rows 2000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
SLUICE = Path(sys.executable).parent / "sluice"
PRODUCTS = ("insured_by_city_age", "insured_by_city_industry", "visits_by_city_quarter")
KEY = "77" * 32
ENGINES = {
    "local": {"SLUICE_ENGINE": "local"},
    "dask, 1 worker": {"SLUICE_ENGINE": "dask", "SLUICE_DASK_WORKERS": "1"},
    "dask, 2 workers": {"SLUICE_ENGINE": "dask", "SLUICE_DASK_WORKERS": "2"},
}


def run(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[1:3])} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def domain(root: Path, name: str, raw: Path, settings: dict[str, str]) -> tuple[Path, dict]:
    """A fresh domain holding the sample (hard links), registered and authorized."""
    folder = root / name.replace(", ", "-").replace(" ", "-")
    shutil.copytree(ROOT / "policies", folder / "policies")
    shutil.copytree(raw, folder / "domain" / "raw", copy_function=os.link)
    env = {
        **os.environ, **settings, "SLUICE_HOME": str(folder / "domain"),
        "SLUICE_PUBLISH_DIR": str(folder / "published"), "SLUICE_TODAY": "2026-07-01",
        "PREFECT_API_URL": "",
    }  # fmt: skip
    run([str(SLUICE), "register", "policies"], env, folder)
    authorization = "policies/authorizations/AUTH-2026-001.yaml"
    run([str(SLUICE), "authorization", "add", authorization], env, folder)
    keys = folder / "domain" / "keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    (keys / "default.key").write_text(KEY)
    (keys / "default.key").chmod(0o600)
    return folder, env


def compare(folder: Path, local: Path, product: str) -> str:
    """`identical` (the same bytes), or how many float cells differ and by how much at most
    (float sums merged from partitions are added in another order)."""
    path = Path(product, "v1", "data.parquet")
    if (folder / path).read_bytes() == (local / path).read_bytes():
        return f"{product} identical"
    a, b = pl.read_parquet(folder / path), pl.read_parquet(local / path)
    floats = [c for c, t in a.schema.items() if t.is_float()]
    if a.schema != b.schema or not a.drop(floats).equals(b.drop(floats)):
        return f"{product} DIFFERENT rows, suppression or exact values"
    cells = sum(int(a[c].ne_missing(b[c]).sum()) for c in floats)
    gap = max(float((a[c] - b[c]).abs().max() or 0) for c in floats)
    return f"{product} {cells} of {a.height * len(floats):,} float cells apart, by <= {gap:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        root = Path(tmp)
        raw = root / "sample"
        env = {**os.environ, "PREFECT_API_URL": ""}
        seconds = run(
            [str(SLUICE), "sample", "--out", str(raw), "--rows", str(args.rows)], env, root
        )
        sizes = {p.name: p.stat().st_size for p in raw.iterdir() if p.is_file()}
        print(f"sample: {args.rows:,} rows a resource in {seconds:.1f} s; "
              + ", ".join(f"{n} {s / 1e6:.0f} MB" for n, s in sorted(sizes.items())))  # fmt: skip
        print(f"products: {', '.join(PRODUCTS)}; cores: {os.cpu_count()}")
        build = [str(SLUICE), "build", "policies"] + [a for p in PRODUCTS for a in ("--product", p)]
        timings: dict[str, float] = {}
        published: dict[str, Path] = {}
        for name, settings in ENGINES.items():
            folder, env = domain(root, name, raw, settings)
            timings[name] = run(build, env, folder)
            published[name] = folder / "published"
        print(f"{'engine':<16}{'seconds':>9}{'vs local':>10}{'rows/s':>12}  data against local")
        for name, took in timings.items():
            rows = 2 * args.rows  # two resources are read: social_insurance and hospital_visits
            found = "; ".join(compare(published[name], published["local"], p) for p in PRODUCTS)
            print(f"{name:<16}{took:>9.1f}{took / timings['local']:>9.2f}x"
                  f"{rows / took:>12,.0f}  {found}")  # fmt: skip
        one, two = timings["dask, 1 worker"], timings["dask, 2 workers"]
        print(f"1 -> 2 workers: {one:.1f} s -> {two:.1f} s, speed-up {one / two:.2f}x")


if __name__ == "__main__":
    main()
