"""De-identification build vs a bare polars copy of the same file, in the same run.

Generates a social-insurance-like resource (default 10 million rows, about 3.3 million people),
then runs, each in a fresh subprocess so peak memory is measured cleanly and alternating so
machine noise hits both alike:
  copy   pl.scan_parquet(src).sink_parquet(dst)                      (the baseline)
  ingest the staging alone (CSV: parsed into the staged Parquet, every row with its line)
  build  ingest -> validate -> de-identify (pseudonymise, generalise, drop, code) -> sink
  model  the same plus the model product and the egress gate's recount
and prints seconds, rows/s, peak RSS and the ratio to the copy.

    .venv/bin/python bench/bench_build.py --rows 10000000 --repeat 2
    .venv/bin/python bench/bench_build.py --format csv --rows 10000000

With --profile FILE, one more run of the last mode is sampled by py-spy (installed apart:
`pip install py-spy`; wall clock, idle samples included, as the build waits on polars) and the
frames holding the most samples are printed with their share.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "social_insurance.yaml"


def make_resource(path: Path, rows: int, fmt: str) -> None:
    """Realistic shapes and cardinalities; values need not pass check digits here."""
    rng = np.random.default_rng(7)
    people = max(rows // 3, 1)
    person = rng.integers(0, people, rows)
    names = np.array([f"姓名{i:04d}" for i in range(5000)])
    districts = np.array(["330102", "330105", "330106", "330108", "330203", "330212", "330302"])
    industries = np.array(["制造业", "批发和零售业", "建筑业", "教育", "卫生和社会工作"])
    kinds = np.array(["企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险"])
    birth = np.datetime64("1960-01-01") + (person * 7919 % 16000).astype("timedelta64[D]")
    frame = pl.DataFrame(
        {
            "sfzh": "3301" + pl.Series(person).cast(pl.String).str.zfill(14),
            "xm": names[person % 5000],
            "xb": np.where(person % 2 == 0, "男", "女"),
            "csrq": pl.Series(birth).cast(pl.Date).dt.strftime("%Y-%m-%d"),
            "lxdh": pl.Series(13_800_000_000 + person).cast(pl.String),
            "xzqh": districts[person % len(districts)],
            "dwtyshxydm": pl.Series(person % 40_000).cast(pl.String).str.zfill(18),
            "hy": industries[person % len(industries)],
            "jfjs": rng.integers(3000, 30000, rows),
            "jfys": rng.integers(1, 13, rows),
            "xzlx": kinds[rng.integers(0, len(kinds), rows)],
            "jfnd": rng.integers(2024, 2026, rows),
        }
    )
    if fmt == "parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)


def bench_policy(folder: Path, source: Path, fmt: str) -> Path:
    text = POLICY.read_text("utf-8").replace(
        "source: raw/social_insurance.csv", f"source: {source}"
    )
    text = text.replace("format: csv", f"format: {fmt}").replace("  encoding: auto\n", "")
    path = folder / "bench_policy.yaml"
    path.write_text(text, "utf-8")
    # the policy's microdata product names hierarchy files relative to the policy
    shutil.copytree(POLICY.parent / "hierarchies", folder / "hierarchies", dirs_exist_ok=True)
    return path


CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    mode, src, policy, home = sys.argv[1:5]
    start = time.perf_counter()
    if mode == "copy":
        import polars as pl
        if src.endswith(".parquet"):
            scan = pl.scan_parquet(src)
        else:
            scan = pl.scan_csv(src, infer_schema=False)
        scan.sink_parquet(Path(home) / "copy.parquet")
    else:
        from flows.kinds import KINDS, BuildContext, Declared, Job
        from flows.pipeline import prepare
        from flows.settings import Paths
        from governance.budget import BudgetLedger
        from governance.ledger import ReleaseLedger
        from governance.state import State
        from transforms.egress import egress_gate
        loaded = KINDS.load_policy(policy)
        paths = Paths(Path(home), Path(home) / "published")
        load_key = prepare.key_loader(paths, State(paths.state))
        staged = prepare.ingest(loaded, paths)
        if mode != "ingest":
            checked = prepare.validate(loaded, staged)
            prepared = prepare.deidentify(loaded, staged, checked, paths, load_key)
        if mode == "model":
            spec = loaded.policy.products[0]
            kind = KINDS.of(spec)
            declared = Declared(loaded.path, loaded.sha256, {prepared.resource: loaded})
            ledgers = BudgetLedger(paths.state), ReleaseLedger(paths.state)
            context = BuildContext(paths, ledgers[0], load_key, ledgers[1])
            job = Job(spec, declared, {prepared.resource: prepared}, context)
            request = kind.gate(job, kind.build(job))
            egress_gate(request.frame, lineage=request.lineage, rules=request.rules)
    seconds = time.perf_counter() - start
    # VmHWM is this program's own peak; ru_maxrss would include the parent's pages at fork.
    status = Path("/proc/self/status").read_text()
    peak_mb = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
    print(json.dumps({"mode": mode, "seconds": seconds, "peak_mb": peak_mb}))
    """
)


def run(mode: str, src: Path, policy: Path, home: Path, sampler: Sequence[str] = ()) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [*sampler, sys.executable, "-c", CHILD, mode, str(src), str(policy), str(home)],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr}")
    # the last line is the child's (a sampler may print after it)
    return json.loads(next(x for x in reversed(out.stdout.splitlines()) if x.startswith("{")))


def profile(mode: str, src: Path, policy: Path, home: Path, out: Path, top: int = 14) -> list[str]:
    """One run of `mode` under py-spy: the Python frames (and imports) by the share of the
    samples they appear in; polars' own threads are not sampled, only the call that waits."""
    spy = Path(sys.executable).with_name("py-spy")
    sampler = [str(spy) if spy.exists() else "py-spy", "record", "--native", "--idle"]
    run(mode, src, policy, home, [*sampler, "-r", "50", "--format", "raw", "-o", str(out), "--"])
    total, frames = 0, Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        frames.update(dict.fromkeys(set(stack.split(";")), int(count)))
    shown = [f for f, _ in frames.most_common() if ".py:" in f or f.startswith("_find_and_load (")]
    lines = [f"py-spy, {mode}: {total} samples; frames by share of samples"]
    return lines + [f"  {100 * frames[f] / total:5.1f}%  {f}" for f in shown[:top]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--modes", default="copy,build,model")
    parser.add_argument("--profile", type=Path, help="py-spy raw output of one more run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-bench-") as tmp:
        folder = Path(tmp)
        src = folder / "domain" / "raw" / f"social_insurance.{args.format}"  # sources stay in raw/
        src.parent.mkdir(parents=True)
        make_resource(src, args.rows, args.format)
        size_mb = src.stat().st_size / 2**20
        policy = bench_policy(folder, src, args.format)
        modes = args.modes.split(",")
        results: dict[str, list[dict]] = {m: [] for m in modes}
        for _ in range(args.repeat):
            for mode in modes:
                results[mode].append(run(mode, src, policy, folder / "domain"))
        if args.profile:
            sampled = profile(modes[-1], src, policy, folder / "domain", args.profile)
    print(f"{args.rows:,} rows, {args.format} {size_mb:,.0f} MB, {args.repeat} run(s) each")
    base = statistics.median(r["seconds"] for r in results[modes[0]])
    for mode in modes:
        secs = statistics.median(r["seconds"] for r in results[mode])
        peak = max(r["peak_mb"] for r in results[mode])
        print(
            f"{mode:6s} {secs:7.2f} s  {args.rows / secs / 1e6:6.2f} M rows/s  "
            f"peak RSS {peak:7.0f} MB  x{secs / base:.2f} of {modes[0]}"
        )
    if args.profile:
        print("\n".join(sampled))


if __name__ == "__main__":
    main()
