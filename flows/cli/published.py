"""`sluice catalog` and `sluice quarantine`: what was published, and what was rejected."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from flows.cli.console import err, out
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add `catalog`, `quarantine` to the main command line."""
    app.command()(catalog)
    app.command()(quarantine)


def catalog() -> None:
    """List the published products (the product and service capability list)."""
    import polars as pl

    path = Paths.from_env().publish / "catalog.parquet"
    if not path.is_file():
        err.print(f"no catalog at {path}; run `sluice build` first")
        raise typer.Exit(1)
    frame = pl.read_parquet(path)
    table = Table(
        *["product", "kind", "supply_mode", "purpose", "version", "rows", "path"], title=str(path)
    )
    for row in frame.iter_rows(named=True):
        table.add_row(
            *(
                str(row[c])
                for c in ["product", "kind", "supply_mode", "purpose", "version", "rows", "path"]
            )
        )
    out.print(table)


def quarantine(
    resource: Annotated[str | None, typer.Argument(help="Resource id; all when omitted.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Also show the rejected values.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Rows shown per resource.")] = 20,
) -> None:
    """Show rows that were rejected (line, stage, reason), kept inside the domain."""
    import polars as pl

    folder = Paths.from_env().quarantine
    files = sorted(folder.glob(f"{resource or '*'}/*.parquet"))
    if not files:
        out.print(f"nothing in quarantine{f' for {resource}' if resource else ''} ({folder})")
        return
    for path in files:
        rows = pl.read_parquet(path)
        columns = ["line", "stage", "reason", *(["raw"] if raw else [])]
        table = Table(*columns, title=f"{path.parent.name}: {rows.height} row(s) in {path.name}")
        for row in rows.head(limit).iter_rows(named=True):
            table.add_row(*(str(row[c]) for c in columns))
        out.print(table)
