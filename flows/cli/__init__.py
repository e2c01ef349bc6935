"""The `sluice` command line: typer commands only, one module per group of commands; the work
is done by the pipeline and the services, and the commands render what they return."""

from __future__ import annotations

import sys

import typer

from flows.cli import (
    anonymize,
    audit,
    authorization,
    build,
    classify,
    ledger,
    published,
    registry,
    risk,
    sample,
    schema,
    verify,
)
from flows.errors import user_errors

app = typer.Typer(
    help="Sluice: raw public data in, only products that passed the privacy gate out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (sample, classify, registry, authorization, build, verify, anonymize, published):
    group.attach(app)
for group in (ledger, risk, audit, schema):
    group.attach(app)


def main() -> None:
    """Entry point: user errors print a message and exit non-zero, never a traceback."""
    try:
        app()
    except (*user_errors(), OSError) as exc:  # OSError: unwritable folder, missing file, full disk
        for line in str(exc).splitlines():
            sys.stderr.write(f"error: {line}\n")
        sys.exit(2)
