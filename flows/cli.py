"""The `sluice` command line: sample data, plan, build, and the published catalog."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.audit_cli import attach as attach_audit
from flows.authorization_cli import attach as attach_authorization
from flows.registry_cli import attach as attach_registry
from flows.runtime import user_errors
from flows.settings import Paths

app = typer.Typer(
    help="Sluice: raw public data in, only products that passed the privacy gate out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Tables stay readable when output is piped (CI, make): no 80-column wrapping.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
attach_registry(app)
attach_authorization(app)
attach_audit(app)


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the raw files.")],
    rows: Annotated[int, typer.Option(min=10, help="Rows per resource.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 20240901,
) -> None:
    """Generate deterministic raw sample data from four departments, with ground truth."""
    from sample_data.generate import generate

    report = generate(out_dir, rows=rows, seed=seed)
    table = Table(
        "resource", "file", "format", "encoding", "rows", title=f"Sample data in {out_dir}"
    )
    for rid, info in report.items():
        table.add_row(
            rid, Path(info["path"]).name, info["format"], info["encoding"] or "", str(info["rows"])
        )
    out.print(table)


@app.command()
def plan(policy: Annotated[Path, typer.Argument(help="Policy file or folder.")]) -> None:
    """Show what a build would do to each column and product; writes nothing."""
    from flows.index_build import indices_for
    from flows.plan import render_index_plan, render_plan
    from governance.policy.load import load_policies

    loaded = load_policies(policy)
    for lp in loaded:
        render_plan(lp, Paths.from_env(), out)
    for li in indices_for(policy, loaded):
        render_index_plan(li, out)


@app.command()
def build(
    policy: Annotated[Path, typer.Argument(help="Policy file or folder.")] = Path("policies"),
    product: Annotated[
        list[str] | None, typer.Option("--product", help="Only this product.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Build products through the egress gate and publish them."""
    from flows.authorized import sweep
    from flows.index_build import indices_for
    from flows.preflight import preflight
    from flows.runtime import configure_prefect, install_log_filter
    from flows.status import nothing_to_build

    paths = Paths.from_env()
    loaded = preflight(policy, product, paths)
    sweep(paths)
    results = nothing_to_build(loaded, product, paths, indices_for(policy, loaded, product))
    if results is None:
        configure_prefect(verbose=verbose)
        from flows.build import build as build_flow

        install_log_filter()
        with err.status("Building (starting Prefect)..."):
            results = build_flow(str(policy), product or None)
    _print_results(results)
    if any(r["status"] == "refused" for r in results):
        raise typer.Exit(3)


@app.command()
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

    from flows.classify import classify_file

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

    from flows.draft import draft_policy, write_draft

    try:
        when = dt.date.fromisoformat(reference_date) if reference_date else dt.date.today()
    except ValueError:
        raise typer.BadParameter(f"'{reference_date}' is not a date (YYYY-MM-DD)") from None
    text, result = draft_policy(
        file, home=Paths.from_env().home, sample_rows=sample, reference_date=when
    )
    write_draft(text, target, force=force)
    out.print(
        f"wrote draft policy {target} ({len(result['columns'])} columns, table grade "
        f"{result['table_grade']}); review it, then `sluice plan {target}`"
    )


@app.command()
def anonymize(
    source: Annotated[Path, typer.Argument(help="A CSV or Parquet file.")],
    qi: Annotated[
        list[str],
        typer.Option("--qi", help="Quasi-identifier: COL=HIERARCHY.csv (ARX format) or COL."),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="Anonymised rows (Parquet).")],
    report: Annotated[Path, typer.Option("--report", help="Report (JSON).")],
    k: Annotated[int | None, typer.Option("--k", min=2, help="Smallest equivalence class.")] = None,
    sensitive: Annotated[
        list[str] | None,
        typer.Option("--sensitive", help="Sensitive column that --l and --t protect."),
    ] = None,
    l_value: Annotated[
        float | None, typer.Option("--l", min=1.0, help="l-diversity of each sensitive column.")
    ] = None,
    l_kind: Annotated[
        str, typer.Option("--l-kind", help="distinct, entropy or recursive (with --c).")
    ] = "distinct",
    c: Annotated[
        float | None, typer.Option("--c", min=0.0, help="c of recursive (c,l)-diversity.")
    ] = None,
    t: Annotated[
        float | None,
        typer.Option("--t", min=0.0, max=1.0, help="t-closeness of each sensitive column."),
    ] = None,
    t_distance: Annotated[
        str, typer.Option("--t-distance", help="equal (categories) or ordered (amounts, grades).")
    ] = "equal",
    environment: Annotated[
        str | None,
        typer.Option(help="public, controlled or enclave: the k its risk threshold needs."),
    ] = None,
    max_suppression: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of rows that may be removed.")
    ] = 0.0,
    metric: Annotated[
        str, typer.Option(help="Information loss to minimise: dm, loss, entropy or aecs.")
    ] = "loss",
    local: Annotated[
        bool,
        typer.Option(
            "--local", help="Refine the optimum class by class (k-anonymity only; lower DM)."
        ),
    ] = False,
    sep: Annotated[str, typer.Option("--sep", help="CSV and hierarchy separator.")] = ",",
) -> None:
    """Optimal generalisation of a file under k, l, t or a release environment, with a report
    of loss, achieved guarantees and risk."""
    from flows.anonymize import Settings, anonymize_file, write_report
    from transforms.anonymize import METRICS

    if metric not in METRICS:
        raise typer.BadParameter(f"--metric must be one of {', '.join(METRICS)}, not '{metric}'")
    settings = Settings(
        k=k, l=l_value, l_kind=l_kind, c=c, t=t, t_distance=t_distance,
        environment=environment, sensitive=tuple(sensitive or ()), local=local,
    )  # fmt: skip
    result = anonymize_file(
        source, out_file, qis=qi, settings=settings, max_suppression=max_suppression,
        metric=metric, separator=sep,
    )  # fmt: skip
    write_report(result, report)
    levels = ", ".join(f"{col}={lv}" for col, lv in result["levels"].items())
    if "local_recoding" in result:
        levels = f"local recoding from {levels}; DM {result['local_recoding']['dm']:,}"
        metric = f"full-domain {metric}"
    value = result["metric"]["value"]
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:.6f}"
    held = "; ".join(f"{m['model']} {m['achieved']}" for m in result["privacy_models"])
    out.print(
        f"{result['rows_out']} of {result['rows_in']} rows in {out_file} (levels {levels}; "
        f"{result['suppressed_rows']} suppressed; {result['equivalence_classes']} classes; "
        f"{metric} {shown}; achieved: {held}); report in {report}",
        highlight=False,
    )


@app.command()
def verify(
    product: Annotated[str, typer.Option("--product", help="Verification product id.")],
    requests: Annotated[Path, typer.Option("--requests", help="Claims (CSV or Parquet).")],
    operator: Annotated[str, typer.Option("--operator", help="Operator id submitting them.")],
    out_file: Annotated[Path, typer.Option("--out", help="Answers (CSV or Parquet).")],
) -> None:
    """Answer a batch of claims (数据核验): match, no_match, not_found or invalid per claim."""
    from flows.errors import RequestRefused
    from flows.verify import verify_batch

    try:
        counts = verify_batch(product, requests, operator, out_file, Paths.from_env())
    except RequestRefused as refused:
        err.print(f"[red]refused[/red]: {refused}", highlight=False)
        raise typer.Exit(3) from None
    shown = ", ".join(f"{counts[s]} {s}" for s in ("match", "no_match", "not_found", "invalid"))
    out.print(f"{counts['claims']} claims answered into {out_file}: {shown}", highlight=False)


@app.command()
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
    from governance.policy import schema as schemas

    if index and authorization:
        raise typer.BadParameter("give --index or --authorization, not both")
    if authorization:
        text = schemas.authorization_json_schema_text()
    else:
        text = schemas.index_json_schema_text() if index else schemas.policy_json_schema_text()
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, "utf-8")
        out.print(f"wrote {out_file}")


@app.command()
def catalog() -> None:
    """List the published products (the product and service capability list)."""
    import polars as pl

    path = Paths.from_env().publish / "catalog.parquet"
    if not path.is_file():
        err.print(f"no catalog at {path}; run `sluice build` first")
        raise typer.Exit(1)
    frame = pl.read_parquet(path)
    table = Table(
        *["product", "kind", "supply_mode", "purpose", "version", "rows", "path"], title=str(path)
    )
    for row in frame.iter_rows(named=True):
        table.add_row(
            *(
                str(row[c])
                for c in ["product", "kind", "supply_mode", "purpose", "version", "rows", "path"]
            )
        )
    out.print(table)


@app.command()
def quarantine(
    resource: Annotated[str | None, typer.Argument(help="Resource id; all when omitted.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Also show the rejected values.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Rows shown per resource.")] = 20,
) -> None:
    """Show rows that were rejected (line, stage, reason), kept inside the domain."""
    import polars as pl

    folder = Paths.from_env().quarantine
    files = sorted(folder.glob(f"{resource or '*'}/*.parquet"))
    if not files:
        out.print(f"nothing in quarantine{f' for {resource}' if resource else ''} ({folder})")
        return
    for path in files:
        rows = pl.read_parquet(path)
        columns = ["line", "stage", "reason", *(["raw"] if raw else [])]
        table = Table(*columns, title=f"{path.parent.name}: {rows.height} row(s) in {path.name}")
        for row in rows.head(limit).iter_rows(named=True):
            table.add_row(*(str(row[c]) for c in columns))
        out.print(table)


def _print_results(results: list[dict]) -> None:
    table = Table(
        "product", "kind", "status", "rows", "privacy checks passed", "parquet", title="Products"
    )
    for r in results:
        style = {"published": "green", "up to date": "cyan", "refused": "red"}.get(r["status"], "")
        table.add_row(
            r["product"],
            r["kind"],
            f"[{style}]{r['status']}[/{style}]" if style else r["status"],
            "" if r["rows"] is None else str(r["rows"]),
            r["checks"],
            _relative(r["path"]),
        )
    out.print(table)
    for r in results:
        if r["message"]:
            err.print(f"[red]{r['product']}[/red]: {r['message']}", highlight=False)
    reported = set()
    for r in results:
        if r.get("quarantined") and r["resource"] not in reported:
            reported.add(r["resource"])
            err.print(
                f"[yellow]{r['resource']}[/yellow]: {r['quarantined']} row(s) quarantined with "
                f"their line and reason in {_relative(r['quarantine_file'])}",
                highlight=False,
            )


def _relative(path: str) -> str:
    """Paths under the working directory are shown relative, as a user would type them."""
    if not path:
        return ""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def main() -> None:
    """Entry point: user errors print a message and exit non-zero, never a traceback."""
    try:
        app()
    except (*user_errors(), OSError) as exc:  # OSError: unwritable folder, missing file, full disk
        for line in str(exc).splitlines():
            sys.stderr.write(f"error: {line}\n")
        sys.exit(2)
