"""Rendering `sluice plan`: what a build would do to each column and product. Each product's
line comes from its kind."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from flows.kinds import KINDS
from flows.settings import Paths
from governance.policy.load import LoadedPolicy
from governance.policy.product import ProductBase


def render_plan(loaded: LoadedPolicy, paths: Paths, console: Console) -> None:
    """Print the resource, a row per column (treatment and result) and a row per product."""
    policy = loaded.policy
    res = policy.resource
    source = paths.source(res.source)
    found = "found" if source.is_file() else "[red]missing[/red]"
    console.print(f"[bold]{res.id}[/bold] {res.title} ({res.department}) — {loaded.path}")
    encoding = f", encoding {res.encoding}" if res.format == "csv" else ""
    console.print(f"  source {source} ({res.format}{encoding}): {found}")
    if res.subject:
        console.print(f"  cells count distinct people by '{res.subject}' (keyed pseudonym)")
    columns = Table("column", "type", "category", "treatment", "becomes", title="Columns")
    for name, col in policy.columns.items():
        given = col.treatment.model_dump(exclude={"operator"}, exclude_defaults=True)
        params = ", ".join(f"{k}={_short(v)}" for k, v in given.items())
        out = col.treatment.output_type(col.type)
        becomes = "[dim]removed[/dim]" if out is None else out
        columns.add_row(
            name, col.type, col.category, f"{col.treatment.operator} {params}".strip(), becomes
        )
    console.print(columns)
    render_products(policy.products, "Products", console)


def render_products(products: Sequence[ProductBase], title: str, console: Console) -> None:
    """A row per product, with what its kind says it publishes; then any details its kind
    shows as a table."""
    table = Table("product", "kind", "supply", "purpose", "what is published", title=title)
    for p in products:
        table.add_row(p.id, p.kind, p.supply_mode, p.purpose, KINDS.of(p).describe(p))
    console.print(table)
    for p in products:
        details = KINDS.of(p).details(p)
        if details is not None:
            shown = Table(*details.columns, title=f"{p.id}: {p.title}")
            for row in details.rows:
                shown.add_row(*row)
            console.print(shown)


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
