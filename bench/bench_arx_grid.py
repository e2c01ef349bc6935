"""Optimal full-domain k-anonymity on Adult beside ARX 3.9.2, run in the same command on a grid.

Usage: python bench/bench_arx_grid.py [--repeat 1] [--quick] [--stop-at HH:MM] [--plot PATH]
Each cell runs the search, then ARX's ArxRun (../shared/anchors/arx), --repeat times in turn;
each side's time is its minimum. Both time the search alone after one warm-up, loading excluded.
--stop-at (UTC) starts no cell after that time and reports the cells left out.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl
from bench_adult import DATA, QIS, run

from transforms.anonymize.diversity import DistinctLDiversity
from transforms.anonymize.encode import encode
from transforms.anonymize.hierarchy import load_hierarchy
from transforms.anonymize.metrics import Discernibility, Loss

ROOT = Path(__file__).resolve().parents[1]
ARX = ROOT.parent / "shared" / "anchors" / "arx" / "run.sh"
PLOT = ROOT / "docs" / "img" / "arx_grid.png"
KS = (2, 3, 5, 10, 20, 50)
LIMITS = (0.0, 0.005, 0.01, 0.02, 0.05, 0.10)
WIDTHS = (5, 6, 7, 8)
METRICS = {"dm": Discernibility, "loss": Loss}
SENSITIVE = "occupation"


@dataclass(frozen=True)
class Cell:
    """One setting: metric, the first ``qis`` of ARX's QIs, suppression limit, k, or l."""

    metric: str
    qis: int
    limit: float
    k: int
    l: int = 0  # noqa: E741 (the privacy model's own letter)

    def names(self) -> list[str]:
        """The QIs in ARX's order; l-diversity cells leave the sensitive column out."""
        return [q for q in QIS[: self.qis] if not (self.l and q == SENSITIVE)]

    def label(self) -> str:
        model = f"l={self.l} {SENSITIVE}" if self.l else f"k={self.k}"
        return f"{self.metric:<4} {len(self.names())} QIs {self.limit:>5.1%} {model}"


@dataclass
class Outcome:
    """Both sides' best times and optima for one cell."""

    ours_ms: float
    arx_ms: float
    ours: object
    arx: dict

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.arx_ms

    def same(self) -> str:
        """'levels' when the nodes match, 'value' on a tie, '' when the optima differ."""
        if list(self.ours.node) == self.arx["levels"]:
            return "levels"
        arx_value = self.arx["dm"] if self.ours.metric == "dm" else self.arx["arx_score"]
        return "value" if math.isclose(self.ours.value, arx_value, rel_tol=1e-6) else ""


def grid(quick: bool) -> list[Cell]:
    """The k-anonymity grid, then distinct l-diversity on occupation with the other 7 QIs."""
    if quick:
        cells = [Cell("dm", n, s, k) for n in (5, 8) for s in (0.0, 0.01) for k in (5, 50)]
        return [*cells, Cell("loss", 8, 0.0, 1, 3)]
    cells = [
        Cell(m, n, s, k) for m in METRICS for n in WIDTHS for s in LIMITS for k in KS
    ]  # fmt: skip
    return cells + [Cell(m, 8, s, 1, l) for m in METRICS for l in (2, 3) for s in (0.0, 0.05)]  # noqa: E741


def arx(cell: Cell) -> dict:
    """One ArxRun process (one warm-up, one timed run); its JSON line."""
    args = [str(ARX), str(DATA / "adult.csv"), str(DATA), ",".join(cell.names())]
    args += [str(cell.k), str(cell.limit), cell.metric, "1"]
    args += ["--l", f"{SENSITIVE}:{cell.l}"] if cell.l else []
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(cell: Cell, data, repeat: int) -> Outcome:
    """The search and ARX in turn, ``repeat`` times; each side's minimum."""
    best: Outcome | None = None
    models = [DistinctLDiversity(SENSITIVE, cell.l)] if cell.l else None
    for _ in range(repeat):
        ours, ms = run(data, cell.k, cell.limit, METRICS[cell.metric](), 1, models)
        theirs = arx(cell)
        if best is None:
            best = Outcome(ms, theirs["ms_min"], ours, theirs)
        best.ours_ms = min(best.ours_ms, ms)
        best.arx_ms = min(best.arx_ms, theirs["ms_min"])
    return best


def row(cell: Cell, out: Outcome) -> str:
    """One printed line: setting, times, ratio, nodes, same optimum."""
    same = out.same()
    text = (
        f"{cell.label():<32} {out.ours_ms:>8.0f} {out.arx_ms:>8.0f} {out.ratio:>6.2f} "
        f"{out.ours.nodes_checked:>6} {out.arx['transformations_checked']:>6} "
        f"{same or 'DIFFERENT'}"
    )
    if same != "levels":
        arx_value = out.arx["dm"] if cell.metric == "dm" else out.arx["arx_score"]
        text += (
            f" (ours {','.join(map(str, out.ours.node))} = {out.ours.value:,.6g},"
            f" ARX {','.join(map(str, out.arx['levels']))} = {arx_value:,.6g})"
        )
    return text


def summary(results: dict[Cell, Outcome], left: list[Cell]) -> int:
    """Cells at most ARX's time, the worst ratio, differing optima; return how many differ."""
    at_most = sum(o.ratio <= 1 for o in results.values())
    worst = max(results, key=lambda c: results[c].ratio)
    differ = [c for c, o in results.items() if not o.same()]
    print(f"\ncells run: {len(results)}; search at most ARX's time in {at_most} of them")
    print(f"worst ratio: {results[worst].ratio:.2f} at {worst.label().strip()}")
    ratios = sorted(o.ratio for o in results.values())
    print(f"median ratio: {ratios[len(ratios) // 2]:.2f}; best ratio: {ratios[0]:.2f}")
    print(f"optimum differs in {len(differ)} cell(s)")
    for cell in differ:
        print(f"  {row(cell, results[cell])}")
    if left:
        print(f"not run (--stop-at): {len(left)} cell(s), from {left[0].label().strip()}")
    return len(differ)


def markdown(results: dict[Cell, Outcome]) -> None:
    """The ratio per cell as the Markdown table docs/benchmarks.md shows, and the cells where
    the search took longer than ARX."""
    print(f"\n| metric | QIs | suppression | {' | '.join(f'k={k}' for k in KS)} |")
    print(f"|---|---|---|{'---|' * len(KS)}")
    for metric in METRICS:
        for qis in WIDTHS:
            for limit in LIMITS:
                cells = [Cell(metric, qis, limit, k) for k in KS]
                ratios = [f"{results[c].ratio:.2f}" if c in results else "" for c in cells]
                name = "DM" if metric == "dm" else "Loss"
                print(f"| {name} | {qis} | {limit:.1%} | {' | '.join(ratios)} |")
    slower = [c for c, o in results.items() if o.ratio > 1]
    print(f"\ncells where the search took longer than ARX: {len(slower)}")
    for cell in slower:
        print(f"  {row(cell, results[cell])}")


def plot(results: dict[Cell, Outcome], path: Path) -> None:
    """Heat-map of the ratio: rows (QIs, suppression), columns k, one panel per metric."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.colors import LogNorm
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no picture")
        return
    rows = [(n, s) for n in WIDTHS for s in LIMITS]
    figure, axes = plt.subplots(1, len(METRICS), figsize=(10, 9), sharey=True)
    for ax, metric in zip(axes, METRICS, strict=True):
        grid = [[math.nan] * len(KS) for _ in rows]
        for cell, out in results.items():
            if cell.metric == metric and not cell.l:
                grid[rows.index((cell.qis, cell.limit))][KS.index(cell.k)] = out.ratio
        image = ax.imshow(grid, cmap="RdYlGn_r", norm=LogNorm(0.1, 10), aspect="auto")
        for i, line in enumerate(grid):
            for j, value in enumerate(line):
                if not math.isnan(value):
                    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
        ax.set_title(f"{metric.upper()}: search time / ARX time")
        ax.set_xticks(range(len(KS)), [f"k={k}" for k in KS])
        ax.set_yticks(range(len(rows)), [f"{n} QIs, {s:.1%}" for n, s in rows])
    figure.colorbar(image, ax=axes, shrink=0.6, label="ratio (below 1: faster than ARX)")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    print(f"heat-map: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a small sub-grid")
    parser.add_argument("--stop-at", default="", help="HH:MM UTC: start no cell after it")
    parser.add_argument("--plot", type=Path, default=None, help=f"heat-map PNG (full: {PLOT})")
    args = parser.parse_args()
    frame = pl.read_csv(DATA / "adult.csv", separator=";", infer_schema=False)
    hierarchies = {c: load_hierarchy(DATA / f"adult_hierarchy_{c}.csv", c) for c in QIS}
    cells = grid(args.quick)
    print(f"{len(cells)} cells, --repeat {args.repeat}, ARX: {ARX}")
    print(f"{'setting':<32} {'ours ms':>8} {'ARX ms':>8} {'ratio':>6} {'nodes':>6} {'ARX':>6} same")
    encoded: dict[tuple[int, int], object] = {}
    results: dict[Cell, Outcome] = {}
    left: list[Cell] = []
    for cell in cells:
        if args.stop_at and datetime.now(UTC).strftime("%H:%M") >= args.stop_at:
            left = cells[cells.index(cell) :]
            break
        key = (cell.qis, cell.l)
        if key not in encoded:
            qis = {c: hierarchies[c] for c in cell.names()}
            encoded[key] = encode(frame, qis, [SENSITIVE] if cell.l else [])
        results[cell] = measure(cell, encoded[key], args.repeat)
        print(row(cell, results[cell]), flush=True)
    differ = summary(results, left)
    markdown(results)
    target = args.plot or (None if args.quick else PLOT)
    if target:
        plot(results, target)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
