"""Time and peak memory against rows, 1 to 30 million: the copy, the build and the model build.

Does the build stay a fixed multiple of a bare polars copy as the resource grows, and does its
memory stay flat? Uses bench_build.py's generated social-insurance resource, its policy and its
per-mode subprocess runner, so every figure is measured exactly as there:
  copy   pl.scan_parquet(src).sink_parquet(dst)                      (the baseline)
  build  ingest -> validate -> de-identify -> sink
  model  the same plus the model product and the egress gate's recount
Each size is generated once (in a subprocess of its own), then the modes run alternating,
--repeat times, each in a fresh subprocess (median time, largest VmHWM peak). Prints a table with
the ratio to the copy at each size and draws time and peak RSS against rows.

    .venv/bin/python bench/bench_scaling.py --repeat 1
    .venv/bin/python bench/bench_scaling.py --rows-list 100000,300000 --plot-dir /tmp/plots
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import bench_policy, run

ROOT = Path(__file__).resolve().parent.parent
SIZES = "1000000,3000000,10000000,30000000"
GENERATE = "import sys; from pathlib import Path; from bench_build import make_resource; "
GENERATE += "make_resource(Path(sys.argv[1]), int(sys.argv[2]), 'parquet')"

Results = dict[int, dict[str, list[dict]]]


def label(rows: int) -> str:
    """1000000 -> '1M', 300000 -> '300k'."""
    if rows >= 1_000_000:
        return f"{rows / 1e6:g}M"
    return f"{rows / 1e3:g}k"


def generate(src: Path, rows: int) -> None:
    """In a subprocess, so the generator's few GB at 30M rows leave with it."""
    src.parent.mkdir(parents=True, exist_ok=True)
    here = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([here, str(ROOT)])}
    subprocess.run([sys.executable, "-c", GENERATE, str(src), str(rows)], check=True, env=env)


def measure(rows: int, modes: list[str], repeat: int, work: Path) -> dict[str, list[dict]]:
    """One size: generate it, run the modes alternating, delete it."""
    folder = work / f"rows-{rows}"
    src = folder / "domain" / "raw" / "social_insurance.parquet"  # sources stay in raw/
    generate(src, rows)
    size_mb = src.stat().st_size / 2**20
    policy = bench_policy(folder, src, "parquet")
    results: dict[str, list[dict]] = {m: [] for m in modes}
    for _ in range(repeat):
        for mode in modes:
            results[mode].append(run(mode, src, policy, folder / "domain"))
    shutil.rmtree(folder)
    line = "  ".join(
        f"{m} {statistics.median(r['seconds'] for r in results[m]):.1f} s" for m in modes
    )
    print(f"{label(rows):>5s} rows, {size_mb:,.0f} MB Parquet: {line}", flush=True)
    return results


def seconds(runs: list[dict]) -> float:
    return statistics.median(r["seconds"] for r in runs)


def peak(runs: list[dict]) -> float:
    return max(r["peak_mb"] for r in runs)


def table(results: Results, modes: list[str]) -> str:
    """Markdown: time and ratio to the first mode per mode, then peak RSS per mode."""
    base = modes[0]
    head = ["rows", f"{base} s"]
    for mode in modes[1:]:
        head += [f"{mode} s", f"{mode} / {base}"]
    head += [f"{mode} peak MB" for mode in modes]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rows, runs in results.items():
        cells = [label(rows), f"{seconds(runs[base]):.2f}"]
        for mode in modes[1:]:
            ratio = seconds(runs[mode]) / seconds(runs[base])
            cells += [f"{seconds(runs[mode]):.2f}", f"x{ratio:.2f}"]
        cells += [f"{peak(runs[mode]):,.0f}" for mode in modes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def above(y: float, ys: list[float]) -> bool:
    """Label a point above its line unless that line is nearer the line above than the one below."""
    lower = [v for v in ys if v < y]
    higher = [v for v in ys if v > y]
    if not higher:
        return True
    if not lower:
        return False
    return y / max(lower) < min(higher) / y


def plot(results: Results, modes: list[str], folder: Path, title: str) -> None:
    """One picture per curve: time (log-log, ratio to the copy beside each point) and peak RSS."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import LogLocator, ScalarFormatter
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no picture")
        return
    folder.mkdir(parents=True, exist_ok=True)
    sizes = list(results)
    for name, axis in (("time", "seconds"), ("memory", "peak RSS (MB)")):
        value = seconds if name == "time" else peak
        figure, ax = plt.subplots(figsize=(6.4, 4.4))
        ax.set_xscale("log")
        for i, mode in enumerate(modes):
            ys = [value(results[n][mode]) for n in sizes]
            ax.plot(sizes, ys, marker="o", label=mode)
            for n, y in zip(sizes, ys, strict=True):
                base = value(results[n][modes[0]])
                note = f"{y:,.0f}" if name == "memory" else f"{y:.1f} s"
                if name == "time" and i:
                    note = f"x{y / base:.2f}"
                shift = (5, 6 if above(y, [value(results[n][m]) for m in modes]) else -12)
                ax.annotate(note, (n, y), textcoords="offset points", xytext=shift, fontsize=7)
        if name == "time":
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(ScalarFormatter())
        else:
            ax.set_ylim(bottom=0)
        ax.set_xticks(sizes, [label(n) for n in sizes])
        ax.minorticks_off()
        ax.margins(x=0.08)
        ax.set_xlabel("rows")
        ax.set_ylabel(axis)
        ax.set_title(f"{'Time' if name == 'time' else 'Peak memory'} against rows ({title})")
        ax.grid(True, alpha=0.3)
        ax.legend()
        path = folder / f"scaling_{name}.png"
        figure.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(figure)
        print(f"plot: {path}")


def commit() -> str:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%h"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "no git"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows-list", default=SIZES)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--modes", default="copy,build,model", help="the first is the baseline")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scaling"), help="deleted after")
    parser.add_argument("--plot-dir", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--commit", default="", help="the code measured (default: git log -1)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows_list.split(",")]
    modes = args.modes.split(",")
    if args.work.exists():
        raise SystemExit(f"{args.work} exists: remove it or pass --work elsewhere")
    load = os.getloadavg()[0]
    results: Results = {}
    try:
        for rows in sizes:
            results[rows] = measure(rows, modes, args.repeat, args.work)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    at = args.commit or commit()
    print(f"\ncommit {at}, median of {args.repeat} run(s), peak RSS the largest (VmHWM)")
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print(table(results, modes))
    plot(results, modes, args.plot_dir, f"commit {at}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
