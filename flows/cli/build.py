"""`sluice build` and `sluice plan`: what a build would do, and doing it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import err, folding_table, out, relative, share
from flows.pipeline.results import BuildResult, ProductOutcome
from flows.settings import Paths


def attach(app: typer.Typer) -> None:
    """Add `plan` and `build` to the main command line."""
    app.command()(plan)
    app.command()(build)


def plan(policy: Annotated[Path, typer.Argument(help="Policy file or folder.")]) -> None:
    """Show what a build would do to each column and product; writes nothing."""
    from flows.cli.plan import render_plan, render_products
    from flows.kinds import KINDS

    loaded = KINDS.load_policies(policy)
    for lp in loaded:
        render_plan(lp, Paths.from_env(), out)
    indices = KINDS.load_indices(policy, loaded)
    if indices:
        render_products([li.index for li in indices], "Products drawing on several resources", out)


def build(
    policy: Annotated[Path, typer.Argument(help="Policy file or folder.")] = Path("policies"),
    product: Annotated[
        list[str] | None, typer.Option("--product", help="Only this product.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
    engine: Annotated[str | None, typer.Option(help="local, or dask (SLUICE_ENGINE).")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler, tcp://host:8786 (else a LocalCluster).")
    ] = None,
) -> None:
    """Build products through the egress gate and publish them."""
    from flows.pipeline.engines import selected

    with selected(engine, scheduler):
        result = run_build(policy, product, verbose=verbose)
    render_result(result)
    if result.refused:
        raise typer.Exit(3)


def run_build(policy: Path, product: list[str] | None, *, verbose: bool = False) -> BuildResult:
    """Build the products of `policy` (or only those named) and return what happened: as a
    Prefect flow run when a Prefect API is configured, else with its steps called in this
    process (no temporary server, the same files published)."""
    from flows.cli.progress import build_display
    from flows.pipeline.plan import plan_build, settle
    from flows.pipeline.progress import watched_by
    from flows.pipeline.runtime import api_configured

    paths = Paths.from_env()
    planned = plan_build(policy, product, paths)
    if not planned.to_build:  # nothing to build
        settled = settle(planned, paths)
        return BuildResult(tuple(settled[p.spec.id] for p in planned.products))
    with build_display() as watcher, watched_by(watcher):
        if not api_configured():
            from flows.cli.progress import show_build_logs
            from flows.pipeline.build import execute
            from flows.pipeline.runner import Direct

            show_build_logs(verbose=verbose)
            return execute(planned, paths, Direct())
        from flows.pipeline.runtime import configure_prefect, install_log_filter

        configure_prefect(verbose=verbose)
        from flows.pipeline.flow import build as build_flow

        install_log_filter()
        return build_flow(str(policy), product or None, plan=planned)


def _rows(p: ProductOutcome) -> str:
    """The version's rows, with the share it suppressed when its checks count one."""
    if p.rows is None:
        return ""
    rows = f"{p.rows} row" if p.rows == 1 else f"{p.rows} rows"
    return rows if p.suppressed is None else f"{rows}, {share(p.suppressed)} suppressed"


def render_result(result: BuildResult) -> None:
    """The products table, the reasons of refusals, and where rejected rows went."""
    table = folding_table(
        "product", "kind", "status", "rows", "privacy checks passed", "parquet",
        title="Products", keys=(p.product for p in result.products),
    )  # fmt: skip
    styles = {"published": "green", "up to date": "cyan", "refused": "red"}
    for p in result.products:
        style = styles[p.status]
        table.add_row(
            p.product,
            p.kind,
            f"[{style}]{p.status}[/{style}]",
            _rows(p),
            ", ".join(p.checks),
            relative(p.path),
        )
    out.print(table)
    for p in result.refused:
        err.print(f"[red]{p.product}[/red]: {p.message}", highlight=False)
    for r in result.resources:
        if r.quarantined:
            err.print(
                f"[yellow]{r.resource}[/yellow]: {r.quarantined} row(s) quarantined with "
                f"their line and reason in {relative(r.quarantine_file)}",
                highlight=False,
            )
