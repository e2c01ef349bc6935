"""Whole `sluice build` commands of ten table products of one resource, with the joint audit
and without it, in the same run.

The resource of bench_linked.py (people by year, district, city, industry, sex, age band and
insurance type, with months paid) is written once as Parquet and registered in a template
domain with a policy of the same ten model products (some with totals). Each repetition
copies the template and runs, in turn (every other repetition in the reverse order), as a
whole command in a fresh process:
  alone      `sluice build POLICY` with the linked-table protection and the gate's interval
             audit switched off (no joint work at all)
  protected  the same with the linked-table protection on and the gate's interval audit off
             (the build without the joint audit)
  linked     the command as shipped: each product is protected jointly with the products
             built before it and the gate audits it beside them
and prints min and median seconds of each and the ratios linked / protected (what the
gate's joint audit adds) and linked / alone (what the protection and the audit add).
Everything else (ingest, de-identification, tallies, suppression and totals, the gate's
recount, publication, the release ledger, the audit record) runs in all three.

    .venv/bin/python bench/bench_linked_build.py --rows 1000000 --repeat 2
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
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_linked import PRODUCTS, resource

ROOT = Path(__file__).resolve().parent.parent
SLUICE = Path(sys.executable).parent / "sluice"

# The command as shipped, or with the gate's linked-table rule passing without an audit
# (protected), and the joint protection handing back no change too (alone).
CHILD = textwrap.dedent(
    """
    import sys
    if sys.argv[1] in ("alone", "protected"):
        from flows.kinds import linked
        from flows.kinds.model import kind
        from transforms.gate_check import Check

        class NoAudit:
            def checks(self, frame, lineage):
                return [Check("linked_tables", True, {}, "")]

        kind.linked_rule = lambda job, tables: NoAudit()
        if sys.argv[1] == "alone":
            from flows.pipeline import build

            kind.protect = lambda job, tables: linked.Pattern({}, {})
            build.solvers = lambda: None  # nothing to solve: nothing loaded ahead
    sys.argv = ["sluice", *sys.argv[2:]]
    from flows.cli import main
    main()
    """
)

COLUMNS = """\
columns:
  person: {category: direct_identifier, required: true,
           treatment: {operator: pseudonymize, key: default}}
  year: {type: integer, category: non_personal}
  district: {category: quasi_identifier}
  city: {category: quasi_identifier}
  industry: {category: quasi_identifier}
  sex: {category: quasi_identifier}
  age: {category: quasi_identifier}
  type: {category: non_personal}
  months: {type: integer, category: sensitive_attribute}
"""


#: Each repetition runs the three, each in a fresh process, in this order and the next in the
#: reverse order (the machine's drift weighs on all three alike).
MODES = ("alone", "protected", "linked")


def policy(folder: Path) -> Path:
    """The resource and its ten model products, as bench_linked.py builds them."""
    lines = [
        "sluice: 1",
        "reference_date: 2026-06-30",
        "resource:",
        "  id: linked_bench",
        "  title: 参保人员（基准测试）",
        "  department: 基准测试",
        "  source: raw/linked_bench.parquet",
        "  format: parquet",
        "  update_frequency: monthly",
        "  subject: person",
        "  domain: 社会保障",
        COLUMNS.rstrip(),
        "products:",
    ]
    for number, (dims, margins) in enumerate(PRODUCTS):
        lines += [
            f"  - id: table_{number}",
            "    kind: model",
            f"    title: 表 {number}",
            "    supply_mode: open",
            "    purpose: public_welfare",
            f"    dimensions: [{', '.join(dims)}]",
            "    measures:",
            "      - {name: people, agg: count_subjects}",
            "      - {name: months, agg: sum, column: months}",
            "    min_group_size: 10",
        ]
        if margins:
            lines.append(f"    margins: [{', '.join(margins)}]")
    path = folder / "linked_bench.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "SLUICE_HOME": str(home / "domain"),
            "SLUICE_PUBLISH_DIR": str(home / "published"), "PREFECT_API_URL": "",
            "SLUICE_TODAY": "2026-07-01", "SLUICE_ACTOR": "bench",
            "PYTHONPATH": str(ROOT)}  # fmt: skip


def template(folder: Path, rows: int) -> Path:
    """A domain with the resource registered; its policy."""
    src = folder / "domain" / "raw" / "linked_bench.parquet"
    src.parent.mkdir(parents=True)
    frame = resource(rows)
    frame.with_columns(
        pl.format("P{}", "person").alias("person"),
        *(pl.col(c).cast(pl.String) for c in ("industry", "sex", "age", "type")),
    ).write_parquet(src)
    path = policy(folder)
    done = subprocess.run([str(SLUICE), "register", str(path)], env=environment(folder),
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"register failed:\n{done.stdout}{done.stderr}")
    return path


def timed(mode: str, folder: Path, run: Path, path: Path) -> tuple[float, str]:
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(folder / "domain", run / "domain")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, "build", str(path)], env=environment(run),
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{mode} build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds, done.stdout


def published(run: Path) -> dict[str, int]:
    """Cells and suppressed cells of the products a build published."""
    cells = hidden = products = 0
    for manifest in sorted((run / "published").rglob("manifest.json")):
        data = pl.read_parquet(manifest.parent / "data.parquet")
        products += 1
        cells += data.height
        hidden += int(data["people"].null_count())
    return {"products": products, "cells": cells, "suppressed": hidden}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = template(folder, args.rows)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        figures = {}
        for repetition in range(args.repeat):  # every other one in the reverse order
            for mode in MODES if repetition % 2 == 0 else MODES[::-1]:
                seconds, _ = timed(mode, folder, folder / mode, path)
                times[mode].append(seconds)
                figures[mode] = published(folder / mode)
        print(f"rows {args.rows}, {json.dumps(figures)}")
        for mode, values in times.items():
            print(f"{mode:6s} min {min(values):6.2f} s  median {statistics.median(values):6.2f} s"
                  f"  {[round(v, 2) for v in values]}")  # fmt: skip
        for low, high in (("protected", "linked"), ("alone", "linked")):
            ratios = [b / a for a, b in zip(times[low], times[high], strict=True)]
            print(f"{high} / {low}: min x{min(ratios):.2f}, "
                  f"median x{statistics.median(ratios):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
