"""`sluice register` and `sluice registry list|show|history|cancel|budget|export`: resource
registration (资源登记) from the command line, and the one way to change a resource's privacy
budget."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

if TYPE_CHECKING:
    from governance.registry import Budget, Outcome, Registration, RegistryStore

registry_app = typer.Typer(
    help="The resource registry: current registrations, their history, cancellation, privacy "
    "budgets, export.",
    no_args_is_help=True,
)
out = Console(width=None if sys.stdout.isatty() else 200)
EVENT_STYLE = {"registered": "green", "changed": "yellow", "unchanged": "cyan", "cancelled": "red"}


def attach(app: typer.Typer) -> None:
    """Add `register` and the `registry` group to the main command line."""
    app.command("register")(register)
    app.add_typer(registry_app, name="registry")


def register(
    policy: Annotated[Path, typer.Argument(help="Policy file or folder.")] = Path("policies"),
) -> None:
    """Register resources (资源登记): first registration, or a new version when they changed."""
    from flows.kinds import KINDS
    from flows.services.registration import submissions
    from governance.registry import register as register_all

    paths = Paths.from_env()
    loaded = KINDS.load_policies(policy)
    store = _store(paths)
    held = {r.resource_id: r.submission for r in store.registrations() if r.status != "cancelled"}
    outcomes = register_all(store, submissions(loaded, paths, held))
    table = Table("resource", "code", "version", "event", "grade", "rows", title="Registrations")
    for o in outcomes:
        r = o.registration
        table.add_row(
            r.resource_id, r.code, str(r.version), _styled(o.event),
            r.submission.table_grade, str(r.submission.row_count),
        )  # fmt: skip
    out.print(table)
    for o in outcomes:
        if o.changes:
            out.print(f"{o.registration.resource_id}: {'; '.join(o.changes)}", highlight=False)
        for note in o.notes:
            out.print(f"[yellow]note[/yellow]: {note}", highlight=False)
    _audit_fixed_budgets(paths, outcomes)


@registry_app.command("list")
def list_registrations() -> None:
    """Current registrations, one row per resource."""
    registrations = _store(Paths.from_env()).registrations()
    if not registrations:
        out.print("no resources registered; run `sluice register policies/`")
        return
    table = Table(
        "resource", "code", "version", "status", "department", "grade", "rows", "updated (UTC)",
        title="Registered resources",
    )  # fmt: skip
    for r in registrations:
        s = r.submission
        table.add_row(
            r.resource_id, r.code, str(r.version), _styled(r.status), s.department,
            s.table_grade, str(s.row_count), f"{r.updated_at:%Y-%m-%d %H:%M:%S}",
        )  # fmt: skip
    out.print(table)


@registry_app.command()
def show(resource: Annotated[str, typer.Argument(help="Resource id.")]) -> None:
    """Everything a registration holds, with the classification of each column."""
    paths = Paths.from_env()
    r = _find(_store(paths), resource)
    s = r.submission
    reason = "cancellation reason" if r.status == "cancelled" else "reason"
    facts = Table("field", "value", title=f"{r.resource_id}: {r.code}", show_header=False)
    for name, value in [
        ("code", r.code), ("resource", s.resource_id), ("title", s.title),
        ("department", s.department), ("status", _styled(r.status)), ("version", str(r.version)),
        ("format", s.format), ("location", s.location), ("rows", str(s.row_count)),
        ("content sha256", s.content_sha256), ("table grade", s.table_grade),
        ("update frequency", s.update_frequency), ("supply modes", ", ".join(s.supply_modes)),
        ("file header", ", ".join(s.schema.get("physical", []))),
        ("policy", s.policy_path), ("policy sha256", s.policy_sha256),
        ("registered at (UTC)", f"{r.registered_at:%Y-%m-%d %H:%M:%S}"),
        ("updated at (UTC)", f"{r.updated_at:%Y-%m-%d %H:%M:%S}"),
        *([(reason, r.reason)] if r.reason else []),
        ("privacy budget", _budget_line(paths, r)),
    ]:  # fmt: skip
        facts.add_row(name, value)
    out.print(facts)
    declared = {c["name"]: c["type"] for c in s.schema.get("declared", [])}
    columns = Table(
        "column", "type", "category", "entity", "PI class", "sensitive", "grade", "confidence",
        title=f"Classification: table grade {s.table_grade}",
    )  # fmt: skip
    for c in s.classification.get("columns", []):
        columns.add_row(
            c["name"], declared.get(c["name"], ""), c["category"], c.get("entity") or "",
            c.get("pi_class") or "", "yes" if c.get("sensitive_pi") else "", c["grade"],
            f"{c.get('confidence', 0):.2f}",
        )  # fmt: skip
    out.print(columns)


@registry_app.command()
def history(resource: Annotated[str, typer.Argument(help="Resource id.")]) -> None:
    """The registration's events, oldest first: registered, changed, cancelled."""
    store = _store(Paths.from_env())
    r = _find(store, resource)
    table = Table(
        "version", "event", "at (UTC)", "department", "grade", "rows", "content sha256", "details",
        title=f"{r.resource_id}: {r.code}",
    )  # fmt: skip
    for e in store.events(resource):
        table.add_row(
            str(e.version), _styled(e.event), f"{e.occurred_at:%Y-%m-%d %H:%M:%S}", e.department,
            e.table_grade, str(e.row_count), f"{e.content_sha256[:12]}..",
            "; ".join(filter(None, [e.changes, e.reason and f"reason: {e.reason}"])),
        )  # fmt: skip
    out.print(table)


@registry_app.command()
def cancel(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the registration ends.")],
) -> None:
    """Cancel a registration (注销): builds refuse the resource until it is registered again."""
    from governance.registry import cancel as cancel_registration

    r = cancel_registration(_store(Paths.from_env()), resource, reason)
    out.print(f"cancelled {r.resource_id} ({r.code}, version {r.version}): {r.reason}")


@registry_app.command()
def budget(
    resource: Annotated[str, typer.Argument(help="Resource id.")],
    epsilon: Annotated[float, typer.Option("--epsilon", help="The new total epsilon.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the budget changes.")],
    delta: Annotated[
        float | None, typer.Option("--delta", help="The new total delta (default: unchanged).")
    ] = None,
) -> None:
    """Change a resource's privacy budget (隐私预算): a registry change event with a reason,
    audited; what was spent stays spent, so what is left is the new budget minus every spend."""
    from flows.services.audit_trail import record
    from governance.budget import BudgetLedger
    from governance.registry import Budget, change_budget

    paths = Paths.from_env()
    store = _store(paths)
    before = _find(store, resource).budget
    new = Budget(epsilon, delta if delta is not None else before.delta if before else 0.0)
    changed, change = change_budget(store, resource, new, reason)
    balance = BudgetLedger(paths.state).balance(resource)
    record(
        paths, "budget_change", subject=resource, detail=changed.reason,
        counts={"version": changed.version, "change": change,
                "before": _budget_counts(before), "after": _budget_counts(new),
                "spent_epsilon": balance.spent_epsilon, "spent_delta": balance.spent_delta},
    )  # fmt: skip
    out.print(
        f"{resource} ({changed.code}, version {changed.version}): {change}; spent epsilon "
        f"{balance.spent_epsilon:g}, delta {balance.spent_delta:g}; left epsilon "
        f"{balance.left_epsilon:g}, delta {balance.left_delta:g}",
        highlight=False,
    )


@registry_app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the registry files.")],
) -> None:
    """Write registry.parquet and registry.json: current registrations and their events."""
    from flows.files.outputs import check_output
    from flows.private import as_user_would
    from flows.services.registry_export import export_registry

    paths = Paths.from_env()
    check_output(paths, "--out", out_dir)
    for path in export_registry(_store(paths), out_dir):
        as_user_would(path)
        out.print(f"wrote {path}", highlight=False)


def _store(paths: Paths) -> RegistryStore:
    from governance.registry import RegistryStore

    return RegistryStore(paths.state)


def _budget_line(paths: Paths, r: Registration) -> str:
    """The registered budget, what its releases spent and what is left."""
    from governance.budget import BudgetLedger

    if r.budget is None:
        return "none registered"
    balance = BudgetLedger(paths.state).balance(r.resource_id)
    return (
        f"{r.budget}; spent epsilon {balance.spent_epsilon:g}, delta {balance.spent_delta:g}; "
        f"left epsilon {balance.left_epsilon:g}, delta {balance.left_delta:g}"
    )


def _find(store: RegistryStore, resource: str) -> Registration:
    """The registration of `resource`; an unknown id is named with the ones that exist."""
    from governance.registry import NotRegistered

    found = store.get(resource)
    if found is None:
        raise NotRegistered(resource, [r.resource_id for r in store.registrations()])
    return found


def _audit_fixed_budgets(paths: Paths, outcomes: list[Outcome]) -> None:
    """Audit each budget a registration fixed (the first for its resource)."""
    from flows.services.audit_trail import record

    for o in outcomes:
        fixed = [c for c in o.changes if c.startswith("privacy budget fixed")]
        r = o.registration
        if fixed and r.budget is not None:
            record(
                paths, "budget_change", subject=r.resource_id, detail="fixed at registration",
                counts={"version": r.version, "change": fixed[0],
                        "before": None, "after": _budget_counts(r.budget)},
            )  # fmt: skip


def _budget_counts(budget: Budget | None) -> dict[str, float] | None:
    return {"epsilon": budget.epsilon, "delta": budget.delta} if budget else None


def _styled(event: str) -> str:
    style = EVENT_STYLE.get(event)
    return f"[{style}]{event}[/{style}]" if style else event
