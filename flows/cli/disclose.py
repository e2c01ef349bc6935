"""`sluice disclose --year YYYY --out FOLDER`: the annual disclosure (年度披露) of a year, as a
JSON document with its schema, Parquet tables and a printable page, written outside the domain."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import err, out, relative
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add the `disclose` command to the main command line."""
    app.command()(disclose)


def disclose(
    year: Annotated[str, typer.Option("--year", help="The year disclosed (YYYY), not a future.")],
    folder: Annotated[
        Path, typer.Option("--out", help="Folder to write into, outside the domain.")
    ] = Path("disclosure"),
    forms: Annotated[
        str, typer.Option("--format", help="Forms to write: json, parquet, html (comma-separated).")
    ] = "json,parquet,html",
) -> None:
    """Write the year's disclosure: authorizations in force, operators, price caps, the product
    and service capability list, monthly resource usage and the audit head."""
    from flows.services.disclosure import disclose as run
    from flows.services.disclosure import parse_formats, parse_year

    chosen = parse_formats(forms)
    done = run(Paths.from_env(), parse_year(year), folder, chosen)
    d = done.document
    out.print(
        f"disclosure of {d.year} ({d.covered_from} to {d.covered_until}) in {relative(done.out)}: "
        f"{len(d.authorizations)} authorization(s), {len(d.operators)} operator(s), "
        f"{len(d.products)} product(s), {len(d.usage)} usage row(s), audit head {d.audit.seq}"
    )
    for name in done.files:
        out.print(f"  {name}")
    err.print(f"sha256 of the JSON document (audited): {done.sha256}")
