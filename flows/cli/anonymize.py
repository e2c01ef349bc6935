"""`sluice anonymize`: try anonymisation settings on a file, outside any policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.console import out


def attach(app: typer.Typer) -> None:
    """Add `anonymize` to the main command line."""
    app.command()(anonymize)


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
    from flows.files.outputs import check_output
    from flows.private import as_user_would
    from flows.services.anonymize import Settings, anonymize_file, write_report
    from flows.settings import Paths
    from transforms.anonymize import METRICS

    paths = Paths.from_env()
    hierarchies = {f"--qi {q}": Path(q.split("=", 1)[1]) for q in qi if "=" in q}
    check_output(
        paths, "--out", out_file, inputs={"SOURCE": source, "--report": report, **hierarchies}
    )
    check_output(paths, "--report", report, inputs={"SOURCE": source, **hierarchies})

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
    as_user_would(out_file)
    as_user_would(report)
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
