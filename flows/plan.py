"""`sluice plan`: what a build would do to each column and product, without writing anything."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.settings import Paths
from governance.policy.index_load import LoadedIndex
from governance.policy.load import LoadedPolicy
from governance.policy.products import MicrodataProduct, ModelProduct


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
    products = Table("product", "kind", "supply", "purpose", "what is published", title="Products")
    for p in policy.products:
        products.add_row(p.id, p.kind, p.supply_mode, p.purpose, _describe(p))
    console.print(products)


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(product: object) -> str:
    if isinstance(product, ModelProduct):
        dims = ", ".join(d.output for d in product.dimension_specs())
        stats = ", ".join(f"{m.name}={m.agg}({m.column or ''})" for m in product.measures)
        return f"by {dims}: {stats}; cells < {product.min_group_size} people suppressed"
    if isinstance(product, MicrodataProduct):
        return _describe_microdata(product)
    return ""


def _describe_microdata(product: MicrodataProduct) -> str:
    privacy = product.privacy
    models = [f"k={privacy.k}"] if privacy.k else []
    models += [f"environment {privacy.environment}"] if privacy.environment else []
    models += [f"{d.kind} l={d.l:g} on {d.column}" for d in privacy.l_diversity]
    models += [f"{t.distance} t={t.t:g} on {t.column}" for t in privacy.t_closeness]
    qis = ", ".join(product.qi_columns())
    return (
        f"records of {', '.join(product.output_columns())}; generalising {qis} for "
        f"{', '.join(models)}; at most {product.max_suppression:.0%} of rows suppressed"
    )


def render_index_plan(li: LoadedIndex, console: Console) -> None:
    """Print an index: its keys, and a row per indicator with its source and part."""
    index = li.index
    console.print(
        f"[bold]{index.id}[/bold] {index.title} — {li.path}: per {index.region.level} "
        f"({index.region.name}) and {index.period.grain} ({index.period.name}), "
        f"{index.normalisation} scores x {index.scale:g}, cells < {index.min_group_size} "
        "people hidden"
    )
    table = Table("indicator", "resource", "aggregate", "filter", "ratio", "direction", "weight")
    for ind in index.indicators:
        what = f"{ind.aggregate}({ind.column or ''})"
        where = "; ".join(f"{c} in {v}" for c, v in (ind.where or {}).items())
        ratio = f"/ {ind.per} x {ind.per_scale:g}" if ind.per else ""
        table.add_row(ind.id, ind.resource, what, where, ratio, ind.direction, _short(ind.weight))
    console.print(table)
