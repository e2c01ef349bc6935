"""`sluice audit show|verify`: the domain's audit log, filtered, and its chain recomputed."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

audit_app = typer.Typer(
    help="The audit log: every build, publication, refusal, verification batch, key, "
    "authorization change and withdrawal.",
    no_args_is_help=True,
)
out = Console(width=None if sys.stdout.isatty() else 240)


def attach(app: typer.Typer) -> None:
    """Add the `audit` group to the main command line."""
    app.add_typer(audit_app, name="audit")


@audit_app.command()
def show(
    action: Annotated[str | None, typer.Option(help="Only this action (e.g. refuse).")] = None,
    subject: Annotated[
        str | None, typer.Option(help="Only records about this product, resource or key.")
    ] = None,
    authorization: Annotated[
        str | None, typer.Option(help="Only records under this authorization.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only records by this operator or user.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this date on (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Newest records shown.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Records of the audit log, oldest first, filtered."""
    from governance.audit import ACTIONS, AuditLog

    if action is not None and action not in ACTIONS:
        raise typer.BadParameter(f"--action must be one of {', '.join(ACTIONS)}, not '{action}'")
    try:
        start = dt.datetime.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"--since '{since}' is not a date (YYYY-MM-DD)") from None
    records = AuditLog(Paths.from_env().state).records(
        action=action, subject=subject, authorization_id=authorization, actor=actor,
        since=start, limit=limit,
    )  # fmt: skip
    if as_json:
        for r in records:
            row = {**r.__dict__, "occurred_at": r.occurred_at.isoformat()}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if not records:
        out.print("no audit records match")
        return
    table = Table(
        "seq", "at (UTC)", "actor", "action", "subject", "authorization", "result", "counts",
        "detail", title="Audit log",
    )  # fmt: skip
    for r in records:
        counts = ", ".join(f"{k}={v}" for k, v in r.counts.items())
        table.add_row(
            str(r.seq), f"{r.occurred_at:%Y-%m-%d %H:%M:%S}", r.actor, r.action, r.subject or "",
            r.authorization_id or "", r.result, counts, r.detail or "",
        )  # fmt: skip
    out.print(table)


@audit_app.command()
def verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            "--checkpoints",
            help="Check a copy of the log against these signed checkpoints with only the "
            "public key (audit-public-key.pem beside them, or --public-key).",
        ),
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="The domain's audit public key (PEM).")
    ] = None,
) -> None:
    """Recompute the chains and check the head and the signed checkpoints; name the first
    record altered, removed or added (exit 1)."""
    from flows.services.checkpoints import PUBLIC_KEY, verify_published
    from governance.audit import AuditLog
    from governance.checkpoints import read_checkpoints

    paths = Paths.from_env()
    if checkpoints is None:
        verdict = verify_published(paths)
    else:  # an outsider's check: the public key, no chain key
        if not checkpoints.is_file():
            raise typer.BadParameter(f"{checkpoints}: no such file", param_hint="--checkpoints")
        points = read_checkpoints(checkpoints.read_text("utf-8"), str(checkpoints))
        pem_path = public_key or checkpoints.with_name(PUBLIC_KEY)
        if not pem_path.is_file():
            sys.stderr.write(f"error: {pem_path}: the audit public key is missing\n")
            raise typer.Exit(1)
        verdict = AuditLog(paths.state).verify(points, pem_path.read_bytes(), keyed=False)
    if verdict.intact:
        out.print(verdict.message, highlight=False)
        return
    sys.stderr.write(f"error: audit log broken: {verdict.message}\n")
    raise typer.Exit(1)
