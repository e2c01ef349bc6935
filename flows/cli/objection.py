"""`sluice objection file|list|show|resolve`: formal objections (异议) against a record of a
resource or a cell of a product, their deadlines, suspension of the products they affect, and
their resolution (数据异议可处置). Output names columns, products and ids, never the record's
key value or the claimed values: those stay inside the domain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from flows.cli.console import out
from flows.errors import BuildError
from flows.settings import Paths

if TYPE_CHECKING:
    from governance.objections import Objection

objection_app = typer.Typer(
    help="Objections (异议): file, list, show and resolve them.", no_args_is_help=True
)


def attach(app: typer.Typer) -> None:
    """Add the `objection` group to the main command line."""
    app.add_typer(objection_app, name="objection")


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """NAME=VALUE options as a mapping, or an error naming the option."""
    found: dict[str, str] = {}
    for value in values or []:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise BuildError(f"{option} '{value.split('=')[0]}...': expected NAME=VALUE")
        found[name.strip()] = given
    return found


@objection_app.command("file")
def file(
    claim: Annotated[str, typer.Option("--claim", help="What is claimed, in words.")],
    filer_kind: Annotated[
        str, typer.Option("--filer-kind", help="data_subject, operator or department.")
    ],
    filer: Annotated[str | None, typer.Option("--filer", help="Who files it.")] = None,
    resource: Annotated[
        str | None, typer.Option("--resource", help="Resource of the disputed record.")
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="The record, as KEY_COLUMN=VALUE.")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="A disputed column and its claimed value: COL=VALUE."),
    ] = None,
    product: Annotated[
        str | None, typer.Option("--product", help="Product of the disputed cell.")
    ] = None,
    version: Annotated[int | None, typer.Option("--version", help="Its version.")] = None,
    cell: Annotated[
        list[str] | None, typer.Option("--cell", help="The cell's DIMENSION=VALUE, each.")
    ] = None,
    measure: Annotated[str | None, typer.Option("--measure", help="The disputed measure.")] = None,
    suspend: Annotated[
        bool | None,
        typer.Option(
            "--suspend/--no-suspend",
            help="Suspend the affected products until resolved (default: the resource's "
            "policy, objections.suspend).",
        ),
    ] = None,
) -> None:
    """File an objection against a record (--resource, --key, --column) or a cell (--product,
    --version, --cell, --measure)."""
    from flows.services.objection_filing import Filing, file_cell, file_record
    from governance.objections.store import FILER_KINDS

    if filer_kind not in FILER_KINDS:
        raise BuildError(f"--filer-kind '{filer_kind}': expected one of {', '.join(FILER_KINDS)}")
    paths = Paths.from_env()
    filing = Filing(filer_kind, filer, claim, suspend)
    if resource is not None and product is None:
        named = pairs([key] if key else None, "--key")
        if len(named) != 1:
            raise BuildError("--key: name the record as KEY_COLUMN=VALUE")
        objection = file_record(
            paths, filing, resource, next(iter(named.items())), dict(pairs(column, "--column"))
        )
    elif product is not None and resource is None:
        if version is None or measure is None:
            raise BuildError("a cell objection needs --version N and --measure NAME")
        objection = file_cell(paths, filing, product, version, pairs(cell, "--cell"), measure)
    else:
        raise BuildError(
            "name either a record (--resource R --key COL=VALUE --column COL=VALUE) or a cell "
            "(--product P --version N --cell DIM=VALUE --measure M)"
        )
    _filed(objection)


def _filed(objection: Objection) -> None:
    what = (
        f"record of {objection.resource_id} by {objection.key_column}, "
        f"column(s) {', '.join(objection.columns)}"
        if objection.target == "record"
        else f"cell of {objection.product_id} v{objection.version}, {objection.columns[0]}"
    )
    out.print(
        f"objection {objection.objection_id} filed ({what}); due {objection.due}",
        highlight=False,
    )
    if not objection.products:
        out.print("no live product is affected", highlight=False)
    for p in objection.products:
        state = "suspended" if p["suspended"] else "affected"
        out.print(f"  {p['product_id']} v{p['version']}: {state}", highlight=False)


@objection_app.command("list")
def list_(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open objections past their due date.")
    ] = False,
) -> None:
    """Objections with their status and due date (working days, by the domain's clock)."""
    from flows.clock import today
    from governance.objections import ObjectionStore

    day = today()
    found = ObjectionStore(Paths.from_env().state).all()
    if overdue:
        found = [o for o in found if o.overdue(day)]
    table = Table(
        "objection", "filed", "filer", "target", "resource", "status", "due", "products",
        title="Overdue objections" if overdue else "Objections",
    )  # fmt: skip
    for o in found:
        late = " (overdue)" if o.overdue(day) else ""
        table.add_row(
            o.objection_id, f"{o.filed_at:%Y-%m-%d}", o.filer_kind, o.target, o.resource_id,
            o.status, f"{o.due}{late}", _products(o),
        )  # fmt: skip
    out.print(table)


@objection_app.command("show")
def show(objection_id: Annotated[str, typer.Argument(help="Objection id.")]) -> None:
    """One objection: its target, claim, affected products and resolution."""
    from governance.objections import ObjectionStore

    o = ObjectionStore(Paths.from_env().state).get(objection_id)
    target = (
        f"record of {o.resource_id} where {o.key_column} = (the value given, held in the domain)"
        if o.target == "record"
        else f"{o.product_id} v{o.version} at "
        + ", ".join(f"{k}={v}" for k, v in o.cell["dimensions"].items())
    )
    rows = [
        ("objection", o.objection_id), ("filed", f"{o.filed_at:%Y-%m-%d %H:%M}"),
        ("filer", f"{o.filer_kind} {o.filer or ''}".strip()), ("target", target),
        ("columns", ", ".join(o.columns)), ("claim", o.claim), ("status", o.status),
        ("due", str(o.due)), ("products", _products(o)),
        ("resolved", f"{o.resolved_at:%Y-%m-%d %H:%M}" if o.resolved_at else ""),
        ("reason", o.reason or ""),
    ]  # fmt: skip
    for name, value in rows:
        out.print(f"{name:>10}: {value}", highlight=False)


def _products(o: Objection) -> str:
    return ", ".join(
        f"{p['product_id']} v{p['version']}{' (suspended)' if p['suspended'] else ''}"
        for p in o.products
    )


@objection_app.command("resolve")
def resolve(
    objection_id: Annotated[str, typer.Argument(help="Objection id.")],
    uphold: Annotated[
        bool, typer.Option("--uphold", help="Uphold it: correct and rebuild.")
    ] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject it, with --reason.")] = False,
    correct: Annotated[
        list[str] | None,
        typer.Option("--correct", help="Corrected value, COL=VALUE (default: the claimed ones)."),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    policies: Annotated[
        Path | None,
        typer.Option("--policies", help="Policy folder to rebuild from (default: registered)."),
    ] = None,
) -> None:
    """Resolve an open objection: --uphold (correct the record, rebuild the affected products)
    or --reject --reason TEXT (restore the suspended products)."""
    from flows.services import objection_resolution as resolution

    paths = Paths.from_env()
    if uphold == reject:
        raise BuildError("resolve with exactly one of --uphold or --reject")
    if reject:
        restored = resolution.reject(paths, objection_id, reason or "")
        out.print(f"objection {objection_id} rejected", highlight=False)
        for product in restored:
            out.print(f"  {product}: restored", highlight=False)
        return
    upheld = resolution.uphold(paths, objection_id, dict(pairs(correct, "--correct")), reason)
    out.print(
        f"objection {objection_id} upheld: {upheld.corrections} value(s) corrected in "
        f"{upheld.objection.resource_id} (registration version {upheld.registration_version})",
        highlight=False,
    )
    _rebuild(paths, objection_id, policies or upheld.folder, upheld.products)


def _rebuild(paths: Paths, objection_id: str, folder: Path, products: list[str]) -> None:
    """Rebuild exactly the affected products, audited under the objection."""
    from flows.cli.build import render_result, run_build
    from flows.services.audit_trail import record

    if not products:
        out.print("no product to rebuild", highlight=False)
        return
    result = run_build(folder, products)
    record(
        paths, "objection_rebuild", subject=objection_id,
        outputs=[{"product": p.product, "status": str(p.status)} for p in result.products],
        counts={"products": len(result.products), "published": len(result.published),
                "refused": len(result.refused)},
    )  # fmt: skip
    render_result(result)
    if result.refused:
        raise typer.Exit(3)
