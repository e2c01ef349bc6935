"""Optimal k-anonymity and l-diversity on Adult beside anjana, in one command.

anjana is the Python peer tool for k-anonymity, l-diversity and t-closeness; both get the same
data, ARX's hierarchies, quasi-identifiers, k (or l) and suppression limits.

Usage: python bench/bench_anjana.py [--data bench/data/adult] [--repeat 3] [--no-ldiv]
           [--anjana-python .venv-anjana/bin/python]

anjana pins its own numpy and pandas, so it runs in its own venv (``make bench-anjana`` creates
it) through bench/anjana_worker.py. Both sides start from the loaded table: our time is
encode + search (``optimal_node`` with Discernibility), anjana's is one call of its
``k_anonymity_inner`` (or ``l_diversity``). anjana's time is the median of --repeat runs after
a warm-up; ours the median of --repeat runs before anjana's and --repeat after. DM = sum over
classes of size^2 + suppressed x N. Every table anjana publishes is recounted here and checked
with pycanon (k-anonymity, and l-diversity for the l cases); ours are too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl
from bench_adult import DATA, QIS
from pycanon import anonymity

from transforms.anonymize import DistinctLDiversity
from transforms.anonymize.apply import apply_node
from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import Hierarchy, load_hierarchy
from transforms.anonymize.metrics import Discernibility
from transforms.anonymize.models import KAnonymity, PrivacyModel, max_suppressed
from transforms.anonymize.search import SearchResult, optimal_node

SENSITIVE = "occupation"
ROOT = Path(__file__).resolve().parents[1]
ANJANA_PYTHON = ROOT / ".venv-anjana" / "bin" / "python"
WORKER = ROOT / "bench" / "anjana_worker.py"
K_CASES = [(2, 0.0), (2, 0.05), (5, 0.0), (5, 0.05), (10, 0.0), (10, 0.05)]
L_CASES = [(3, 0.0), (3, 0.05)]


@dataclass(frozen=True)
class Case:
    """One comparison: k-anonymity ("k") or distinct l-diversity ("l") at a suppression limit."""

    model: str
    value: int
    limit: float

    @property
    def label(self) -> str:
        """How the table names the case."""
        name = f"k={self.value}" if self.model == "k" else f"distinct {self.value}-div"
        return f"{name}, {self.limit:.0%}"

    @property
    def worker_arg(self) -> str:
        """The worker's spelling, suppression in percent as anjana's ``supp_level`` takes it."""
        return f"{self.model}:{self.value}:{self.limit * 100:g}"

    @property
    def qis(self) -> list[str]:
        """k cases use all 8 QIs; l cases the other 7, occupation being sensitive."""
        return QIS if self.model == "k" else [q for q in QIS if q != SENSITIVE]


def ours(
    frame: pl.DataFrame, hierarchies: dict[str, Hierarchy], case: Case, repeat: int
) -> tuple[SearchResult, list[float]]:
    """``repeat`` timed encode + search runs after a warm-up, from the loaded frame as anjana
    starts from its loaded DataFrame."""
    used = {q: hierarchies[q] for q in case.qis}
    sensitive = [SENSITIVE] if case.model == "l" else []
    model: PrivacyModel = (
        KAnonymity(case.value) if case.model == "k" else DistinctLDiversity(SENSITIVE, case.value)
    )
    allowed = max_suppressed(case.limit, frame.height)

    def once() -> SearchResult:
        data = encode(frame, used, sensitive)
        return optimal_node(data, [model], allowed, Discernibility())

    result = once()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = once()
        times.append((time.perf_counter() - started) * 1000)
    return result, times


def run_anjana(python: Path, data: Path, cases: list[Case], repeat: int, out: Path) -> dict:
    """All anjana cases in one subprocess of its venv; the worker's JSON summary."""
    command = [str(python), str(WORKER), "--data", str(data), "--out", str(out)]
    command += ["--repeat", str(repeat), "--cases", ",".join(c.worker_arg for c in cases)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"anjana worker failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def check(table: pl.DataFrame, case: Case, rows: int) -> tuple[dict[str, int], bool]:
    """Recount a published table here (classes, suppressed, DM) and judge it with pycanon."""
    qis = case.qis
    if table.height == 0:
        return {"suppressed": rows, "classes": 0, "dm": rows * rows}, True
    sizes = table.group_by(qis).len()["len"].to_numpy().astype("int64")
    suppressed = rows - table.height
    counted = {
        "suppressed": suppressed,
        "classes": len(sizes),
        "dm": int((sizes * sizes).sum()) + suppressed * rows,
    }
    frame = table.to_pandas()
    if case.model == "k":
        holds = anonymity.k_anonymity(frame, qis) >= case.value
    else:
        holds = anonymity.l_diversity(frame, qis, [SENSITIVE]) >= case.value
    return counted, bool(holds)


def publish_ours(
    frame: pl.DataFrame, hierarchies: dict[str, Hierarchy], case: Case, result: SearchResult
) -> pl.DataFrame:
    """Our published table: the chosen levels applied and the failing classes removed."""
    used = {q: hierarchies[q] for q in case.qis}
    if case.model == "k":
        return apply_node(frame, used, result.levels, case.value)
    out = apply_node(frame, used, result.levels, 1)
    distinct = pl.col(SENSITIVE).n_unique().over(case.qis)
    return out.filter(distinct >= case.value)


def levels_text(levels: list[int] | tuple[int, ...] | None) -> str:
    """Levels in QI order, or a dash when the tool did not report them."""
    return ",".join(map(str, levels)) if levels is not None else "-"


def main() -> None:
    """Run both tools on every case, cross-check their outputs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--anjana-python", type=Path, default=ANJANA_PYTHON)
    parser.add_argument("--no-ldiv", action="store_true", help="skip the l-diversity cases")
    args = parser.parse_args()
    if not args.anjana_python.exists():
        raise SystemExit(f"{args.anjana_python} not found: run `make bench-anjana` to create it")
    frame = pl.read_csv(args.data / "adult.csv", separator=";", infer_schema=False)
    hierarchies = {q: load_hierarchy(args.data / f"adult_hierarchy_{q}.csv", q) for q in QIS}
    cases = [Case("k", k, s) for k, s in K_CASES]
    if not args.no_ldiv:
        cases += [Case("l", v, s) for v, s in L_CASES]
    # Ours runs before and after anjana and takes the median of both rounds, so a change in
    # the machine's load during anjana's long run hits both sides alike.
    before = {case: ours(frame, hierarchies, case, args.repeat) for case in cases}
    with tempfile.TemporaryDirectory() as folder:
        summary = run_anjana(args.anjana_python, args.data, cases, args.repeat, Path(folder))
        theirs = {r["case"]: r for r in summary["results"]}
        rows = frame.height
        lines, problems = [], []
        for case in cases:
            result, times = ours(frame, hierarchies, case, args.repeat)
            ms = statistics.median(times + before[case][1])
            other = theirs[case.worker_arg]
            published = pl.read_csv(other["path"], infer_schema=False)
            counted, holds = check(published, case, rows)
            if {k: other[k] for k in counted} != counted:
                problems.append(f"{case.label}: anjana's counts {other} differ from ours {counted}")
            if not holds:
                problems.append(f"{case.label}: anjana's output FAILS the model (pycanon)")
            mine, mine_holds = check(publish_ours(frame, hierarchies, case, result), case, rows)
            if not mine_holds or mine["dm"] != result.value:
                problems.append(f"{case.label}: our published table does not match the search")
            lines.append(
                f"| {case.label} | {ms:,.0f} | {other['ms']:,.0f} | x{other['ms'] / ms:,.1f} "
                f"| {int(result.value):,} | {counted['dm']:,} "
                f"| x{counted['dm'] / result.value:.2f} "
                f"| {levels_text(result.node)} | {levels_text(other['levels'])} "
                f"| {result.suppressed:,} / {result.classes:,} "
                f"| {counted['suppressed']:,} / {counted['classes']:,} "
                f"| {'yes' if holds else '**NO**'} |"
            )
    print(f"\nAdult, N={rows:,}; anjana: median of {args.repeat} runs after a warm-up, ours: of")
    print(f"{args.repeat} runs before anjana's and {args.repeat} after\n")
    print(
        "| case | ours ms | anjana ms | anjana/ours | ours DM | anjana DM | DM anjana/ours "
        "| ours levels | anjana levels | ours suppr / classes | anjana suppr / classes "
        "| anjana output passes (pycanon) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    print("\n" + ("\n".join(problems) if problems else "all outputs checked: no problems"))


if __name__ == "__main__":
    main()
