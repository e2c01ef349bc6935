"""`sluice sample`: deterministic raw sample data of four departments, with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.console import out


def attach(app: typer.Typer) -> None:
    """Add `sample` to the main command line."""
    app.command()(sample)


def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the raw files.")],
    rows: Annotated[int, typer.Option(min=10, help="Rows per resource.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 20240901,
) -> None:
    """Generate deterministic raw sample data from four departments, with ground truth."""
    from flows.files.outputs import check_output
    from flows.settings import Paths
    from sample_data.generate import generate

    paths = Paths.from_env()
    check_output(paths, "--out", out_dir, allowed=[paths.raw])
    report = generate(out_dir, rows=rows, seed=seed)
    table = Table(
        "resource", "file", "format", "encoding", "rows", title=f"Sample data in {out_dir}"
    )
    for rid, info in report.items():
        table.add_row(
            rid, Path(info["path"]).name, info["format"], info["encoding"] or "", str(info["rows"])
        )
    out.print(table)
