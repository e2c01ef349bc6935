"""`sluice ledger show RESOURCE`: what every live product version reveals about a resource (the
release ledger), part by part, with the superseded tables the audit still counts and why;
with --all, retired versions too, and why they retired."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

ledger_app = typer.Typer(
    help="The release ledger: what each live product version reveals about each resource.",
    no_args_is_help=True,
)
out = Console(width=None if sys.stdout.isatty() else 240)


def attach(app: typer.Typer) -> None:
    """Add the `ledger` group to the main command line."""
    app.add_typer(ledger_app, name="ledger")


@ledger_app.command()
def show(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    every: Annotated[
        bool, typer.Option("--all", help="Retired parts too (superseded or withdrawn).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The resource's footprint: table cells, record sets, claim services and budget spends."""
    from governance.ledger import ReleaseLedger

    ledger = ReleaseLedger(Paths.from_env().state)
    parts = ledger.parts(resource, retired=every, counted=True)
    if not parts:
        known = ledger.resources()
        hint = f"; the ledger holds {', '.join(known)}" if known else "; nothing is published yet"
        raise typer.BadParameter(f"no {'' if every else 'live '}releases of '{resource}'{hint}")
    if as_json:
        for p in parts:
            row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in p.items()}
            out.print_json(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"Release ledger of {resource}")
    for column in ("product", "version", "part", "reveals", "cells", "hidden", "status"):
        table.add_column(column, overflow="fold")
    for p in parts:
        status = _status(p)
        tabled = p["form"] == "cells"
        cells = str(p["cells"]) if tabled else ""
        hidden = str(p["hidden"]) if tabled else ""
        table.add_row(
            p["product_id"], f"v{p['version']}", p["form"], _reveals(p["form"], p["summary"]),
            cells, hidden, status,
        )  # fmt: skip
    out.print(table)


def _status(part: dict[str, Any]) -> str:
    """Live, retired and why, or retired but still counted (a superseded table its readers
    keep, on the basis its product is live on)."""
    if part["retired_at"] is None:
        return "live"
    if part["counted"]:
        return f"{part['retired_why']}, still counted (same delivery)"
    return part["retired_why"]


def _reveals(form: str, summary: dict[str, Any]) -> str:
    """One line a reader understands: what the part publishes."""
    if form == "cells":
        margins = " with totals" if summary.get("margins") else ""
        noise = "" if summary.get("exact") else " (noisy)"
        return (
            f"{', '.join(summary['statistics'])} by {', '.join(summary['dimensions'])}"
            f"{margins}{noise}"
        )
    if form == "records":
        qis = ", ".join(summary["quasi_identifiers"])
        columns = ", ".join(summary["columns"]) or "none"
        return f"{summary['rows']} records; quasi-identifiers {qis}; columns {columns}"
    if form == "claims":
        claims = "; ".join(f"{c} reads {', '.join(cols)}" for c, cols in summary["claims"].items())
        return (
            f"claims on {summary['identifier']}: {claims}; answers {', '.join(summary['answers'])}"
        )
    return (
        f"spends epsilon {summary['epsilon']:.4g}, delta {summary['delta']:.3g} "
        f"({summary['mechanism']})"
    )
