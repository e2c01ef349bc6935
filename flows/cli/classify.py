"""`sluice classify`: the category, entity and grade of each column of a file, and a draft
policy from them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.console import err, out
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add `classify` to the main command line."""
    app.command()(classify)


def classify(
    file: Annotated[Path, typer.Argument(help="A CSV (UTF-8 or GBK) or Parquet file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
    sample: Annotated[int, typer.Option(min=10, help="Rows sampled from the file.")] = 5000,
    emit_policy: Annotated[
        Path | None,
        typer.Option("--emit-policy", help="Write a draft policy with a proposed treatment."),
    ] = None,
    reference_date: Annotated[
        str | None,
        typer.Option(help="Reference date of the draft policy (YYYY-MM-DD; default today)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --emit-policy file.")] = False,
) -> None:
    """Classify and grade every column of a file (分类分级), from a sample of its rows."""
    import json

    from flows.services.classify import classify_file

    if emit_policy is not None:
        _emit_policy(file, emit_policy, sample, reference_date, force)
        return
    result = classify_file(file, sample_rows=sample)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(
        "column", "category", "entity", "PI class", "sensitive", "grade", "confidence",
        title=f"{result['resource']}: table grade {result['table_grade']}",
    )  # fmt: skip
    for c in result["columns"]:
        table.add_row(
            c["name"], c["category"], c["entity"] or "", c["pi_class"] or "",
            "yes" if c["sensitive_pi"] else "", c["grade"], f"{c['confidence']:.2f}",
        )  # fmt: skip
    out.print(table)
    for c in result["columns"]:
        for note in c["evidence"]:
            if note.startswith("mixed types"):
                err.print(
                    f"[yellow]warning[/yellow]: column '{c['name']}': {note}", highlight=False
                )


def _emit_policy(
    file: Path, target: Path, sample: int, reference_date: str | None, force: bool
) -> None:
    import datetime as dt

    from flows.files.outputs import check_output
    from flows.private import as_user_would
    from flows.services.draft import draft_policy, write_draft

    paths = Paths.from_env()
    check_output(paths, "--emit-policy", target, inputs={"FILE": file})
    try:
        when = dt.date.fromisoformat(reference_date) if reference_date else dt.date.today()
    except ValueError:
        raise typer.BadParameter(f"'{reference_date}' is not a date (YYYY-MM-DD)") from None
    text, result = draft_policy(file, home=paths.home, sample_rows=sample, reference_date=when)
    write_draft(text, target, force=force)
    as_user_would(target)
    out.print(
        f"wrote draft policy {target} ({len(result['columns'])} columns, table grade "
        f"{result['table_grade']}); review it, then `sluice plan {target}`"
    )
