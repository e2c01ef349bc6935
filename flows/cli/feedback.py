"""`sluice feedback add|list`: quality feedback (数据质量可反馈) on a published product version,
from a consumer or an operator, given as options or as a YAML/JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.console import out
from flows.cli.objection import pairs
from flows.errors import BuildError
from flows.settings import Paths

feedback_app = typer.Typer(help="Quality feedback on published products.", no_args_is_help=True)


def attach(app: typer.Typer) -> None:
    """Add the `feedback` group to the main command line."""
    app.add_typer(feedback_app, name="feedback")


@feedback_app.command("add")
def add(
    file: Annotated[
        Path | None, typer.Argument(help="Feedback as a YAML or JSON file, instead of options.")
    ] = None,
    product: Annotated[str | None, typer.Option("--product", help="Product id.")] = None,
    version: Annotated[int | None, typer.Option("--version", help="Its version.")] = None,
    problem: Annotated[str | None, typer.Option("--problem", help="What is wrong.")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="What shows it.")] = None,
    cell: Annotated[
        list[str] | None, typer.Option("--cell", help="A cell's DIMENSION=VALUE, each.")
    ] = None,
    record: Annotated[
        list[str] | None, typer.Option("--record", help="A record's COLUMN=VALUE, each.")
    ] = None,
    filer_kind: Annotated[str, typer.Option("--filer-kind", help="consumer or operator.")] = (
        "consumer"
    ),
    filer: Annotated[str | None, typer.Option("--filer", help="Who reports it.")] = None,
) -> None:
    """Report a quality problem with a product version."""
    from pydantic import ValidationError

    from flows.clock import now
    from flows.services.audit_trail import record as audit
    from flows.services.feedback import check_published
    from governance.objections import FeedbackFiling, FeedbackStore, load_feedback

    paths = Paths.from_env()
    if file is not None:
        filing = load_feedback(file)
    else:
        given = {
            "product": product, "version": version, "problem": problem, "evidence": evidence,
            "filer_kind": filer_kind, "filer": filer,
            "cells": [pairs(cell, "--cell")] if cell else [],
            "records": [pairs(record, "--record")] if record else [],
        }  # fmt: skip
        try:
            filing = FeedbackFiling.model_validate(
                {k: v for k, v in given.items() if v is not None}
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            name = ".".join(str(p) for p in first["loc"])
            raise BuildError(f"--{name}: {first['msg']} (or give a feedback FILE)") from None
    check_published(paths, filing.product, filing.version)
    feedback_id = FeedbackStore(paths.state).add(filing, now())
    audit(
        paths, "feedback_add", subject=feedback_id,
        outputs=[{"product": filing.product, "version": filing.version}],
        counts={"cells": len(filing.cells), "records": len(filing.records)},
    )  # fmt: skip
    out.print(
        f"feedback {feedback_id} received for {filing.product} v{filing.version} "
        f"({len(filing.cells)} cell(s), {len(filing.records)} record(s))",
        highlight=False,
    )


@feedback_app.command("list")
def list_() -> None:
    """Feedback received, oldest first."""
    from governance.objections import FeedbackStore

    table = Table("feedback", "filed", "filer", "product", "version", "status", "problem",
                  title="Quality feedback")  # fmt: skip
    for f in FeedbackStore(Paths.from_env().state).all():
        table.add_row(
            f["feedback_id"], f"{f['filed_at']:%Y-%m-%d}", f["filer_kind"], f["product_id"],
            str(f["version"]), f["status"], f["problem"],
        )  # fmt: skip
    out.print(table)
