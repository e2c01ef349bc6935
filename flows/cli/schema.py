"""`sluice schema`: the JSON Schemas of the policy, index and authorization formats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import out


def attach(app: typer.Typer) -> None:
    """Add `schema` to the main command line."""
    app.command()(schema)


def schema(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of stdout.")
    ] = None,
    index: Annotated[
        bool, typer.Option("--index", help="The schema of index files (indices/*.yaml).")
    ] = False,
    authorization: Annotated[
        bool, typer.Option("--authorization", help="The schema of authorization files.")
    ] = False,
) -> None:
    """Print or write the JSON Schema of the policy format (or of index or authorization
    files)."""
    from flows.kinds import KINDS

    if index and authorization:
        raise typer.BadParameter("give --index or --authorization, not both")
    document = "authorization" if authorization else "index" if index else "policy"
    text = KINDS.schema_text(document)
    if out_file is None:
        sys.stdout.write(text)
    else:
        from flows.files.outputs import check_output
        from flows.private import as_user_would
        from flows.settings import Paths

        check_output(Paths.from_env(), "--out", out_file)
        out_file.write_text(text, "utf-8")
        as_user_would(out_file)
        out.print(f"wrote {out_file}")
