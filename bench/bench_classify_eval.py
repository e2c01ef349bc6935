"""Classification on data it was not written for: the evaluation set of bench/classify_eval/
(a second generator, its own lists and seed, not sample_data), in three header styles, with
look-alike traps, classified file by file as `sluice classify` reads them.

    .venv/bin/python bench/bench_classify_eval.py --rows 2000

Figures: direct-identifier recall (target 1.0), traps called a direct identifier (target 0),
sensitive personal information recall (target 1.0), sensitive-attribute and quasi-identifier
recall (target 0.95), overall category accuracy; per header style. Writes
bench/results/classify_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polars as pl
from bench_accuracy import show
from classify_eval.generate import STYLES, generate

from flows.services.classify import classify_file

RESULTS = Path(__file__).parent / "results" / "classify_eval.json"
DIRECT, QUASI, SENSITIVE = "direct_identifier", "quasi_identifier", "sensitive_attribute"


def classify_all(truth: pl.DataFrame) -> pl.DataFrame:
    """The truth with what the classifier said of each column, one file at a time."""
    found = []
    for path in truth["file"].unique(maintain_order=True):
        for col in classify_file(Path(path))["columns"]:
            found.append(
                {"file": path, "header": col["name"], "got": col["category"]}
                | {"got_entity": col["entity"], "got_sensitive": col["sensitive_pi"]}
                | {"evidence": "; ".join(col["evidence"][-3:])}
            )
    return truth.join(pl.DataFrame(found), on=["file", "header"], how="left")


def _share(num: int, den: int) -> str:
    return f"{num}/{den} = {num / den:.3f}" if den else "-"


def figures(joined: pl.DataFrame) -> dict[str, Any]:
    """The figures of one set of columns."""
    cat, got = pl.col("category"), pl.col("got")
    direct = joined.filter(cat == DIRECT)
    traps = joined.filter(pl.col("trap"))
    sens = joined.filter(pl.col("sensitive"))
    attrs = joined.filter(cat == SENSITIVE)
    quasi = joined.filter(cat == QUASI)
    return {
        "direct_recall": (direct.filter(got == DIRECT).height, direct.height),
        "traps_called_direct": (traps.filter(got == DIRECT).height, traps.height),
        "sensitive_pi_recall": (sens.filter(pl.col("got_sensitive")).height, sens.height),
        "sensitive_attribute_recall": (attrs.filter(got == SENSITIVE).height, attrs.height),
        "quasi_recall": (quasi.filter(got == QUASI).height, quasi.height),
        "accuracy": (joined.filter(got == cat).height, joined.height),
    }


def report(joined: pl.DataFrame) -> dict[str, Any]:
    by_style = {s: figures(joined.filter(pl.col("style") == s)) for s in STYLES}
    by_style["all"] = figures(joined)
    show(
        "Columns by header style (targets: direct 1.0, traps 0, sensitive 1.0, quasi 0.95)",
        ["headers", "direct recall", "traps called direct", "sensitive PI recall",
         "sensitive attr. recall", "quasi recall", "category accuracy"],
        [[s, *(_share(*f[k]) if k != "traps_called_direct" else f"{f[k][0]} of {f[k][1]}"
               for k in f)] for s, f in by_style.items()],
    )  # fmt: skip
    wrong = joined.filter(pl.col("got") != pl.col("category"))
    show(
        "Misclassified columns",
        ["headers", "table", "header", "truth", "ours", "evidence (last lines)"],
        [
            [r["style"], r["table"], r["header"], f"{r['category']}/{r['entity']}",
             f"{r['got']}/{r['got_entity']}", r["evidence"][:160]]
            for r in wrong.iter_rows(named=True)
        ],
    )  # fmt: skip
    return by_style


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows per table")
    parser.add_argument("--seed", type=int, default=2718, help="the evaluation set's own seed")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-classify-eval-") as tmp:
        t0 = time.perf_counter()
        truth = generate(Path(tmp), rows=args.rows, seed=args.seed)
        tables, columns = truth["table"].n_unique(), truth.height // len(STYLES)
        took = time.perf_counter() - t0
        print(f"generated {tables} tables, {columns} columns x {len(STYLES)} header styles, "
              f"{args.rows:,} rows each, seed {args.seed}: {took:.1f}s")  # fmt: skip
        t0 = time.perf_counter()
        joined = classify_all(truth)
        print(f"classified {truth['file'].n_unique()} files: {time.perf_counter() - t0:.1f}s")
    result = {"rows": args.rows, "seed": args.seed, "figures": report(joined)}
    result["columns"] = joined.drop("file").to_dicts()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
