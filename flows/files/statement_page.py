"""An operator's statement (结算单) as files: its lines and its summary as Parquet, and a
printable, self-contained HTML page rendered by a Jinja2 template shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from flows.files.atomic import write_atomically
from governance.pricing.statement import Statement

UNITS = {"per_call": "按次", "per_period": "按期", "per_volume": "按数据量", "per_product": "按份"}
MEASURES = {"claims": "次核验", "thousand rows": "千行", "versions": "个版本", "periods": "期"}
LINES = {
    "operator_id": pl.String, "period": pl.String, "authorization_id": pl.String,
    "product_id": pl.String, "purpose": pl.String, "unit": pl.String, "measure": pl.String,
    "metered": pl.Float64, "unit_price": pl.Float64, "charge": pl.Float64,
    "price_cap": pl.Float64, "cap_unit": pl.String,
}  # fmt: skip
SUMMARY = {
    "operator_id": pl.String, "operator_name": pl.String, "period": pl.String,
    "authorization_id": pl.String, "charges": pl.Float64, "revenue_cap": pl.Float64,
    "deducted": pl.Float64, "effective_cap": pl.Float64, "excess": pl.Float64,
    "carried": pl.Float64,
}  # fmt: skip


def names(statement: Statement) -> dict[str, str]:
    """The files of a statement: lines, summary and page."""
    stem = f"statement-{statement.operator}-{statement.period}"
    return {
        "lines": f"{stem}.parquet",
        "summary": f"{stem}-summary.parquet",
        "page": f"{stem}.html",
    }


def write_statement(statement: Statement, out: Path) -> list[Path]:
    """Write the statement's three files into `out`, each whole or not at all."""
    files = names(statement)
    lines = pl.DataFrame(line_rows(statement), schema=LINES)
    summary = pl.DataFrame(summary_rows(statement), schema=SUMMARY)
    page = render(statement)
    targets = [out / files[name] for name in ("lines", "summary", "page")]
    write_atomically(targets[0], lines.write_parquet)
    write_atomically(targets[1], summary.write_parquet)
    write_atomically(targets[2], lambda tmp: tmp.write_text(page, "utf-8"))
    return targets


def line_rows(statement: Statement) -> list[dict[str, Any]]:
    rows = []
    for account in statement.accounts:
        for line in account.lines:
            rows.append({
                "operator_id": statement.operator, "period": str(statement.period),
                "authorization_id": line.authorization, "product_id": line.product,
                "purpose": line.purpose, "unit": line.unit, "measure": line.measure,
                "metered": line.metered, "unit_price": line.unit_price, "charge": line.charge,
                "price_cap": line.cap, "cap_unit": line.cap_unit,
            })  # fmt: skip
    return rows


def summary_rows(statement: Statement) -> list[dict[str, Any]]:
    rows = []
    for account in statement.accounts:
        cap = account.cap
        rows.append({
            "operator_id": statement.operator, "operator_name": statement.operator_name,
            "period": str(statement.period), "authorization_id": account.held.id,
            "charges": account.total,
            "revenue_cap": cap.revenue_cap if cap else None,
            "deducted": cap.deducted if cap else None,
            "effective_cap": cap.effective if cap else None,
            "excess": cap.excess if cap else None,
            "carried": cap.carried if cap else None,
        })  # fmt: skip
    return rows


def render(statement: Statement) -> str:
    """The statement as one HTML page with its styles inline (nothing loaded from elsewhere)."""
    text = resources.files("flows.files").joinpath("templates", "statement.html.j2")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["yuan"] = _yuan
    environment.filters["figure"] = lambda x: f"{x:,.3f}".rstrip("0").rstrip(".")
    return environment.from_string(text.read_text("utf-8")).render(
        statement=statement, units=UNITS, measures=MEASURES
    )


def _yuan(amount: float | None) -> str:
    return "—" if amount is None else f"{amount:,.2f}"
