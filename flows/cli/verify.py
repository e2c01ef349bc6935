"""`sluice verify`: answer a batch of claims against a verification product."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import err, out
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add `verify` to the main command line."""
    app.command()(verify)


def verify(
    product: Annotated[str, typer.Option("--product", help="Verification product id.")],
    requests: Annotated[Path, typer.Option("--requests", help="Claims (CSV or Parquet).")],
    operator: Annotated[str, typer.Option("--operator", help="Operator id submitting them.")],
    out_file: Annotated[Path, typer.Option("--out", help="Answers (CSV or Parquet).")],
) -> None:
    """Answer a batch of claims (数据核验): match, no_match, not_found or invalid per claim."""
    from flows.errors import RequestRefused
    from flows.files.outputs import check_output
    from flows.private import as_user_would
    from flows.services.verify import verify_batch

    paths = Paths.from_env()
    check_output(paths, "--out", out_file, inputs={"--requests": requests})
    try:
        counts = verify_batch(product, requests, operator, out_file, paths)
    except RequestRefused as refused:
        err.print(f"[red]refused[/red]: {refused}", highlight=False)
        raise typer.Exit(3) from None
    as_user_would(out_file)
    statuses = ("match", "no_match", "not_found", "invalid")  # not_found only when revealed
    shown = ", ".join(f"{counts[s]} {s}" for s in statuses if s in counts)
    out.print(f"{counts['claims']} claims answered into {out_file}: {shown}", highlight=False)
