"""`sluice authorization add|list|show|revoke`: the authorizations (授权) this domain holds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

authorization_app = typer.Typer(
    help="Authorizations: add, list, show and revoke; builds and verifications are checked "
    "against them.",
    no_args_is_help=True,
)
out = Console(width=None if sys.stdout.isatty() else 200)
STATUS_STYLE = {"active": "green", "revoked": "red", "expired": "yellow"}


def attach(app: typer.Typer) -> None:
    """Add the `authorization` group to the main command line."""
    app.add_typer(authorization_app, name="authorization")


@authorization_app.command()
def add(
    file: Annotated[Path, typer.Argument(help="Authorization file (YAML).")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Amend an active authorization with the same id.")
    ] = False,
) -> None:
    """Hold an authorization: validated, checked against the registry, audited."""
    from flows.clock import now
    from flows.kinds import KINDS
    from flows.services.audit_trail import record
    from flows.services.authorization_checks import registry_problems
    from governance.authorization.store import AuthorizationStore
    from governance.errors import GovernanceError, PolicyErrors

    paths = Paths.from_env()
    loaded = KINDS.load_authorization(file)
    problems = registry_problems(loaded, paths)
    if problems:
        raise PolicyErrors(problems)
    auth = loaded.authorization
    store = AuthorizationStore(paths.state)
    held = store.get(auth.id)
    if held is not None and held.sha256 == loaded.sha256 and held.status == "active":
        out.print(f"{auth.id} is held already, unchanged")
        return
    if held is not None and held.status != "active":
        raise GovernanceError(
            f"{file}: authorization {auth.id} was {held.status}; an ended authorization is "
            "not re-opened: grant a new one with a new id"
        )
    if held is not None and not replace:
        raise GovernanceError(
            f"{file}: authorization {auth.id} is held already (added {held.added_at:%Y-%m-%d}) "
            "with other content; pass --replace to amend it"
        )
    store.add(auth, loaded.sha256, str(file), now())
    record(
        paths, "authorization_add", subject=auth.id, authorization_id=auth.id,
        inputs=[{"path": str(file), "sha256": loaded.sha256}],
        counts={"mode": auth.mode, "resources": len(auth.resources),
                "valid_from": str(auth.term.valid_from), "valid_until": str(auth.term.valid_until)},
        detail="amended" if held is not None else "added",
    )  # fmt: skip
    verb = "amended" if held is not None else "holding"
    out.print(
        f"{verb} {auth.id}: {auth.operator.name} ({auth.operator.id}), mode {auth.mode}, "
        f"{len(auth.resources)} resource(s), valid {auth.term.valid_from} to "
        f"{auth.term.valid_until}",
        highlight=False,
    )


@authorization_app.command("list")
def list_authorizations() -> None:
    """Every authorization the domain holds, with its status (ended terms are swept first)."""
    from flows.services.authorizations import sweep
    from governance.authorization.store import AuthorizationStore

    paths = Paths.from_env()
    sweep(paths)
    held = AuthorizationStore(paths.state).all()
    if not held:
        out.print("no authorizations held; add one with `sluice authorization add FILE`")
        return
    table = Table(
        "id", "operator", "mode", "status", "valid from", "valid until", "resources", "products",
        title="Authorizations",
    )  # fmt: skip
    for h in held:
        a = h.authorization
        table.add_row(
            a.id, f"{a.operator.name} ({a.operator.id})", a.mode, _styled(h.status),
            str(a.term.valid_from), str(a.term.valid_until),
            ", ".join(r.resource for r in a.resources), ", ".join(a.products),
        )  # fmt: skip
    out.print(table)


@authorization_app.command()
def show(authorization_id: Annotated[str, typer.Argument(help="Authorization id.")]) -> None:
    """One authorization in full: parties, scope, term, exit terms, duties, caps, products."""
    from flows.services.authorization_checks import products_under
    from flows.services.authorizations import sweep
    from governance.authorization.store import AuthorizationStore
    from governance.errors import GovernanceError

    paths = Paths.from_env()
    sweep(paths)
    held = AuthorizationStore(paths.state).get(authorization_id)
    if held is None:
        raise GovernanceError(f"no authorization '{authorization_id}' is held in this domain")
    a = held.authorization
    lines = [
        f"[bold]{a.id}[/bold] {a.title}: {_styled(held.status)}"
        + (f" ({held.reason})" if held.reason else ""),
        f"granted by {a.granting_body.name} ({a.granting_body.uscc})",
        f"operator {a.operator.name} ({a.operator.uscc}), id {a.operator.id}",
        f"mode {a.mode}; term {a.term.valid_from} to {a.term.valid_until}",
        "purposes: " + ", ".join(a.purposes) if a.purposes else "",
        "domains: " + ", ".join(a.domains) if a.domains else "",
        *(f"scenario {s.id}: {s.title} ({s.purpose})" for s in a.scenarios),
        *(
            f"resource {r.resource}: "
            + ("all columns" if r.columns == "all" else ", ".join(r.columns))
            for r in a.resources
        ),
        "product kinds: " + ", ".join(a.products),
        f"exit: on expiry {a.exit.on_expiry}, on revocation {a.exit.on_revocation}"
        + (f"; {a.exit.note}" if a.exit.note else ""),
        *(f"duty: {d}" for d in a.security_duties),
        *(f"price cap {c.product}: {c.cap:g} {c.currency} {c.unit}" for c in a.price_caps),
        f"quotas: {a.quotas.claims_per_day or '-'} claims/day, "
        f"{a.quotas.claims_per_month or '-'} claims/month",
        *(
            f"product {p['product']} v{p['version']}"
            + (" [red]withdrawn[/red]" if p["withdrawn"] else "")
            for p in products_under(paths, a.id)
        ),
        f"file {held.source} (sha256 {held.sha256[:16]}), added {held.added_at:%Y-%m-%d %H:%M:%S}",
    ]
    for line in lines:
        if line:
            out.print(line, highlight=False)


@authorization_app.command()
def revoke(
    authorization_id: Annotated[str, typer.Argument(help="Authorization id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is revoked (recorded).")],
) -> None:
    """Revoke an authorization; its products are withdrawn when its exit terms say so."""
    from flows.clock import now
    from flows.services.audit_trail import record
    from flows.services.withdraw import withdraw
    from governance.authorization.store import AuthorizationStore
    from governance.errors import GovernanceError

    paths = Paths.from_env()
    store = AuthorizationStore(paths.state)
    held = store.get(authorization_id)
    if held is None:
        raise GovernanceError(f"no authorization '{authorization_id}' is held in this domain")
    if held.status != "active":
        raise GovernanceError(f"authorization {authorization_id} is {held.status} already")
    if not reason.strip():
        raise GovernanceError("--reason must say why the authorization is revoked")
    store.end(authorization_id, "revoked", now(), reason)
    exit_terms = held.authorization.exit.on_revocation
    record(
        paths, "authorization_revoke", subject=authorization_id,
        authorization_id=authorization_id, detail=reason, counts={"exit": exit_terms},
    )  # fmt: skip
    withdrawn = (
        withdraw(paths, authorization_id, f"revoked: {reason}") if exit_terms == "withdraw" else []
    )
    out.print(f"revoked {authorization_id}: {reason}", highlight=False)
    if withdrawn:
        out.print(f"withdrawn: {', '.join(withdrawn)} (data moved back inside the domain)")
    elif exit_terms == "keep":
        out.print("exit terms keep what was published; no new builds or requests are allowed")


def _styled(status: str) -> str:
    style = STATUS_STYLE.get(status)
    return f"[{style}]{status}[/{style}]" if style else status
