"""`sluice --version`: the installed package's version, as an operator reports it."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from flows.cli.console import out


def attach(app: typer.Typer) -> None:
    """Add the `--version` option to the main command line."""
    app.callback()(options)


def options(
    show_version: Annotated[
        bool | None,
        typer.Option(
            "--version",
            callback=lambda shown: _print_version() if shown else None,
            is_eager=True,  # answered while the options are read, before a command is required
            help="Print the installed version and exit.",
        ),
    ] = None,
) -> None:
    """Sluice: raw public data in, only products that passed the privacy gate out."""


def _print_version() -> None:
    out.print(f"sluice {version('sluice')}", highlight=False)
    raise typer.Exit()
