"""anjana's side of bench_anjana.py: runs in anjana's own venv.

anjana pins the numpy and pandas it runs on, so it cannot share the project's environment.

Usage: .venv-anjana/bin/python bench/anjana_worker.py --out DIR [--data bench/data/adult]
           [--repeat 3] [--cases k:2:0,k:2:5,l:3:0] [--qis a,b,...] [--sensitive occupation]

A case is model:value:suppression, model "k" (k-anonymity) or "l" (distinct l-diversity on
--sensitive, the other QIs as quasi-identifiers), suppression in percent as anjana takes it.
Each case runs once to warm up, then --repeat times; its runtime is the median, loading of
data and hierarchies excluded. The published table of the last run is written to
DIR/<case>.csv (quasi-identifiers and sensitive column) so the caller can check it with its
own tools. One JSON object is printed on the last line of stdout; anjana's own messages go to
stderr so they cannot corrupt it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from anjana.anonymity import k_anonymity_inner, l_diversity
from anjana.anonymity.utils import utils

DATA = Path(__file__).resolve().parent / "data" / "adult"
QIS = "age,sex,race,marital-status,education,native-country,workclass,occupation"


def load(data: Path, qis: list[str]) -> tuple[pd.DataFrame, dict[str, dict]]:
    """Adult as strings (the hierarchies key on text), and ARX's hierarchy files in anjana's
    format: one dict per QI from level number to the column of that level, exactly what
    anjana's documentation builds with ``dict(pd.read_csv(path, header=None))``."""
    frame = pd.read_csv(data / "adult.csv", sep=";", dtype=str, keep_default_na=False)
    hierarchies = {
        qi: dict(
            pd.read_csv(
                data / f"adult_hierarchy_{qi}.csv",
                sep=";",
                header=None,
                dtype=str,
                keep_default_na=False,
            )
        )
        for qi in qis
    }
    return frame, hierarchies


def run_once(
    frame: pd.DataFrame,
    hierarchies: dict[str, dict],
    model: str,
    value: int,
    supp: float,
    qis: list[str],
    sensitive: str,
) -> tuple[pd.DataFrame, list[int] | None]:
    """One anonymisation through anjana's public functions; levels when anjana reports them."""
    with contextlib.redirect_stdout(sys.stderr):
        if model == "k":
            out, _, levels = k_anonymity_inner(frame, [], qis, value, supp, hierarchies)
            return out, [int(levels[qi]) for qi in qis]
        out = l_diversity(frame, [], qis, sensitive, 1, value, supp, hierarchies)
        shown = utils.get_transformation(out, qis, hierarchies) if len(out) else None
        return out, [int(v) for v in shown] if shown is not None else None


def describe(out: pd.DataFrame, qis: list[str], rows: int) -> dict[str, int]:
    """Suppressed rows, classes and DM (sum of class size squared + suppressed x N)."""
    if len(out) == 0:
        return {"rows_out": 0, "suppressed": rows, "classes": 0, "dm": rows * rows}
    sizes = out.groupby(qis, sort=False).size().to_numpy()
    suppressed = rows - len(out)
    return {
        "rows_out": len(out),
        "suppressed": suppressed,
        "classes": len(sizes),
        "dm": int((sizes.astype("int64") ** 2).sum()) + suppressed * rows,
    }


def main() -> None:
    """Run every case and print the JSON summary the bench reads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", default="k:2:0,k:2:5,k:5:0,k:5:5,k:10:0,k:10:5")
    parser.add_argument("--qis", default=QIS)
    parser.add_argument("--sensitive", default="occupation")
    args = parser.parse_args()
    all_qis = args.qis.split(",")
    frame, hierarchies = load(args.data, all_qis)
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for case in args.cases.split(","):
        model, value, supp = case.split(":")
        qis = all_qis if model == "k" else [q for q in all_qis if q != args.sensitive]
        call = (frame, hierarchies, model, int(value), float(supp), qis, args.sensitive)
        run_once(*call)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            out, levels = run_once(*call)
            times.append((time.perf_counter() - started) * 1000)
        path = args.out / f"{case.replace(':', '_')}.csv"
        keep = qis if model == "k" else [*qis, args.sensitive]
        (out[keep] if len(out) else pd.DataFrame(columns=keep)).to_csv(path, index=False)
        results.append(
            {
                "case": case,
                "ms": statistics.median(times),
                "times_ms": times,
                "levels": levels,
                "path": str(path),
                **describe(out, qis, len(frame)),
            }
        )
    print(json.dumps({"rows": len(frame), "results": results}))


if __name__ == "__main__":
    main()
