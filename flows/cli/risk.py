"""`sluice risk RESOURCE`: the re-identification risk of everything live from a resource, per
reader, and the pairs of releases that drive it."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

out = Console(width=None if sys.stdout.isatty() else 240)


def attach(app: typer.Typer) -> None:
    """Add `risk` to the main command line."""
    app.command()(risk)


def risk(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per reader.")] = False,
) -> None:
    """Combined re-identification risk of the resource's live releases, per reader (the public,
    each department shared with, each authorized operator): each record-level release linked on
    everything else the reader holds. Exits 1 when a record's risk is above what its release
    promises."""
    from flows.services.risk import resource_risk

    found = resource_risk(Paths.from_env(), resource)
    over = [r for reader in found for r in reader.releases if not r.within]
    if as_json:
        for reader in found:
            row = {**asdict(reader), "combined": reader.combined}
            typer.echo(json.dumps(row, ensure_ascii=False))
    else:
        table = Table(title=f"Re-identification risk of {resource}, per reader")
        for column in ("reader", "release", "alone", "linked", "promised", "known", "driven by"):
            table.add_column(column, overflow="fold")
        for reader in found:
            for r in reader.releases:
                top = r.pairs[0] if r.pairs else None
                driver = f"{top.beside} ({', '.join(top.columns)}): {top.risk:.4f}" if top else ""
                mark = "" if r.within else " [red]over[/red]"
                table.add_row(
                    reader.reader, r.release, f"{r.alone:.4f}", f"{r.linked:.4f}{mark}",
                    f"{r.threshold:.4f}", "; ".join(r.known) or "none", driver,
                )  # fmt: skip
            if not reader.releases:
                table.add_row(reader.reader, "no record-level release", "", "", "", "", "")
        out.print(table)
        for reader in found:
            for service in reader.services:
                out.print(f"{reader.reader} can ask {service}")
    if over:
        raise typer.Exit(1)
