"""`sluice statement --operator ID --period 2026-Q1 --out DIR`: an operator's statement (结算单)
for one billing period, from what the domain metered: usage and charges per product, the price
caps, and the revenue cap with what was taken above it carried forward.

A reader: it writes nothing inside the domain and reads the state in one read-only session, so
it takes no writer lock and may run beside a build or a verification batch. The files go
outside the domain and the published area."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Paths

out = Console(width=None if sys.stdout.isatty() else 200)


def attach(app: typer.Typer) -> None:
    """Add the `statement` command to the main command line."""
    app.command("statement")(statement)


def statement(
    operator: Annotated[str, typer.Option("--operator", help="Operator id.")],
    period: Annotated[
        str, typer.Option("--period", help="Billing period: 2026-Q1, 2026-03 or 2026.")
    ],
    folder: Annotated[Path, typer.Option("--out", help="Folder to write the statement in.")],
) -> None:
    """Write an operator's statement for a period as Parquet (lines and summary) and HTML."""
    from flows.errors import BuildError
    from flows.files.outputs import check_output
    from flows.files.statement_page import MEASURES, UNITS, write_statement
    from governance.pricing.statement import statement as statement_of

    paths = Paths.from_env()
    check_output(paths, "--out", folder)
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"--out {folder} is a file; --out names the folder for the statement")
    found = statement_of(paths.state, operator, period)
    written = write_statement(found, folder)
    table = Table(
        "authorization", "产品 product", "计费方式 unit", "计量 metered", "单价 unit price",
        "费用 charge", "价格上限 cap",
        title=f"{found.operator_name} ({found.operator}), {found.period}",
    )  # fmt: skip
    for account in found.accounts:
        for line in account.lines:
            table.add_row(
                account.held.id, line.product, UNITS.get(line.unit or "", "免费"),
                f"{line.metered:g} {MEASURES[line.measure]}",
                f"{line.unit_price:g}" if line.unit else "免费",
                f"{line.charge:.2f}", "—" if line.cap is None else f"{line.cap:g}",
            )  # fmt: skip
    out.print(table)
    for account in found.accounts:
        cap = account.cap
        if cap is None:
            out.print(f"{account.held.id}: charges {account.total:.2f}; no revenue cap")
            continue
        out.print(
            f"{account.held.id}: charges {account.total:.2f}; 最高准许收入 {cap.revenue_cap:.2f}, "
            f"上期超收扣减 {cap.deducted:.2f}, 本期可收上限 {cap.effective:.2f}, "
            f"超收结转 {cap.carried:.2f}",
            highlight=False,
        )
    for path in written:
        out.print(f"wrote {path}", highlight=False)
