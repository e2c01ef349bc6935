"""The joint audit of linked tables against the build without it, in the same run.

A resource of people by year, district, industry, sex, age band and insurance type, and ten
table products of it (different dimensions, some with totals, about 50,000 cells in all), built
one after another as a build does, each judged beside those before it. Two ways, alternating:
  alone    each product: aggregate, suppress, secondary suppression of its totals, the gate's
           recount of every cell (the build without the joint audit)
  linked   the same, plus exact values of every cell, the joint protection beside the live
           tables and the gate's interval audit (the build with it)
and prints seconds of each, the ratio, cells, the hidden cells of the last audit and the
linear programmes solved (protection rounds and audits of all ten products).

    .venv/bin/python bench/bench_linked.py --rows 2000000 --repeat 2
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import numpy as np
import polars as pl

from transforms.egress.cells import CellRule
from transforms.footprint import CellTable, Statistic
from transforms.linked import solved
from transforms.linked.audit import interval_audit
from transforms.linked.cells import linked_cells
from transforms.linked.protect import protect_jointly
from transforms.linked.truth import exact_values
from transforms.products.model import Dim, Stat, build_model, hide_rows, protect_margins, show_rows

PRODUCTS = [
    (["year", "district", "industry"], ["district", "industry"]),
    (["year", "district", "industry"], []),
    (["year", "district", "sex", "age"], []),
    (["year", "district", "type"], ["type"]),
    (["year", "industry", "sex"], ["sex"]),
    (["year", "district"], []),
    (["year", "city", "industry"], ["industry"]),
    (["year", "city", "age", "sex"], ["age"]),
    (["year", "type", "age"], []),
    (["year", "district", "age"], ["age"]),
]
STATS = [Stat("people", "count_subjects"), Stat("months", "sum", "months")]


def resource(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(11)
    weights = 1.0 / np.arange(1, 151) ** 0.6  # big and small districts
    district = rng.choice(150, rows, p=weights / weights.sum())
    return pl.DataFrame(
        {
            "person": rng.integers(0, rows // 2, rows),
            "year": rng.integers(2021, 2026, rows),
            "district": [f"33{d:04d}" for d in district],
            "city": [f"33{d // 10:02d}00" for d in district],
            "industry": rng.choice(20, rows, p=_shares(20, rng)),
            "sex": rng.integers(0, 2, rows),
            "age": rng.integers(0, 6, rows),
            "type": rng.integers(0, 5, rows),
            "months": rng.integers(1, 13, rows),
        }
    )


def _shares(n: int, rng: np.random.Generator) -> np.ndarray:
    raw = rng.gamma(1.0, 1.0, n)
    return raw / raw.sum()


def build(frame: pl.DataFrame, linked: bool) -> dict[str, int]:
    solved.forget()  # each build starts as a fresh process does, with no block solved
    source = frame.lazy()
    live = pl.DataFrame()
    cells = hidden = programmes = 0
    for number, (dims, margins) in enumerate(PRODUCTS):
        name = f"p{number}"
        table = build_model(
            source, dims=[Dim(d, d) for d in dims], stats=STATS, min_group_size=10,
            subject="person", margins=margins,
        ).collect()  # fmt: skip
        unsuppressed = table
        if margins:
            table = protect_margins(table, dims=dims, stats=STATS)
        if linked:
            pairs = tuple((d, d) for d in dims)
            statistics_ = [Statistic(s.name, s.agg, s.column) for s in STATS]
            margin = "margin" if margins else None
            truth = exact_values(table, source, dims=pairs, statistics=statistics_,
                                 subject="person", margin=margin)  # fmt: skip
            part = CellTable("r", pairs, tuple(statistics_), table, "suppressed", margin, True, 10,
                             truth, "b", 4.0)  # fmt: skip
            found = protect_jointly(live, linked_cells(part, name, 0, candidate=True))
            programmes += found.programmes
            if found.refusals:
                continue
            table = show_rows(table, unsuppressed, {r for _, r in found.show}, STATS)
            table = hide_rows(table, {r for _, r in found.hide}, STATS)
            table = table.drop("__cell_subjects", strict=False)
            release = linked_cells(replace(part, cells=table), name, 0)
            audit = interval_audit(pl.concat([live, release]) if live.height else release)
            hidden = audit.hidden
            programmes += audit.programmes
            live = pl.concat([live, release]) if live.height else release
        table = table.drop("__cell_subjects", strict=False)
        rule = CellRule(source, [(d, d) for d in dims], 10, subject="person",
                        margin="margin" if margins else None)  # fmt: skip
        lineage = {}
        rule.checks(table, lineage)
        cells += table.height
    return {"cells": cells, "hidden": hidden, "programmes": programmes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = resource(args.rows)
    times: dict[str, list[float]] = {"alone": [], "linked": []}
    figures = {}
    for _ in range(args.repeat):
        for mode in ("alone", "linked"):
            start = time.perf_counter()
            figures[mode] = build(frame, mode == "linked")
            times[mode].append(time.perf_counter() - start)
    alone, linked = statistics.median(times["alone"]), statistics.median(times["linked"])
    ratios = [b / a for a, b in zip(times["alone"], times["linked"], strict=True)]
    print(f"rows {args.rows}, products {len(PRODUCTS)}, cells {figures['linked']['cells']}, "
          f"hidden cells audited {figures['linked']['hidden']}, "
          f"linear programmes {figures['linked']['programmes']}")  # fmt: skip
    print(f"alone  median {alone:.2f} s  {[round(t, 2) for t in times['alone']]}")
    print(f"linked median {linked:.2f} s  {[round(t, 2) for t in times['linked']]}")
    print(f"linked / alone: min x{min(ratios):.2f}, median x{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
