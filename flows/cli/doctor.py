"""`sluice doctor`: is published/ what the domain's state and audit log say it is?"""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.console import err, out
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add `doctor` to the main command line."""
    app.command()(doctor)


def doctor(
    check_only: Annotated[
        bool, typer.Option("--check-only", help="Report only; repair nothing.")
    ] = False,
) -> None:
    """Check published/ against the state and the audit log and repair what is safe. Exit 0:
    healthy; 1: repaired, healthy now; 2: problems a person must decide."""
    from flows.services.doctor import examine

    found = examine(Paths.from_env(), repair=not check_only)
    for line in found.repaired:
        out.print(f"[yellow]repaired[/yellow]: {line}", highlight=False)
    for line in found.notes:
        out.print(f"note: {line}", highlight=False)
    for line in found.problems:
        err.print(f"[red]problem[/red]: {line}", highlight=False)
    if found.code == 0:
        out.print("healthy: published/ agrees with the state and the audit log")
    raise typer.Exit(found.code)
