"""Rendering `sluice plan`: what a build would do to each column and product. Each product's
line comes from its kind, and the rule of the release matrix that decides it from the matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console

from flows.cli.console import folding_table, share
from flows.errors import BuildError
from flows.files.catalog import suppressed_share
from flows.files.published import latest_manifest, off_list
from flows.kinds import KINDS, Declared
from flows.pipeline.plan import price_problem, registered_grades, release_rule
from flows.services.registration_check import budget_state
from flows.settings import Paths
from governance.errors import PolicyErrors
from governance.policy.load import LoadedPolicy
from governance.policy.product import ProductBase, ResourcePolicy
from governance.release_matrix import Breach, Rule


def render_plan(loaded: LoadedPolicy, paths: Paths, console: Console) -> None:
    """Print the resource, a row per column (treatment and result) and a row per product;
    raises PolicyErrors, once all is shown, when the release matrix refuses a product given
    what the registry holds of the resource's grade, or its authorization refuses its price."""
    policy = loaded.policy
    res = policy.resource
    try:
        source = paths.source(res.source)
    except BuildError as exc:
        raise loaded.error(str(exc), "resource", "source") from None
    found = "found" if source.is_file() else "[red]missing[/red]"
    console.print(f"[bold]{res.id}[/bold] {res.title} ({res.department}) — {loaded.path}")
    encoding = f", encoding {res.encoding}" if res.format == "csv" else ""
    console.print(f"  source {source} ({res.format}{encoding}): {found}")
    if res.subject:
        console.print(f"  cells count distinct people by '{res.subject}' (keyed pseudonym)")
    budget = budget_state(loaded, paths)
    if budget is not None:
        shown = f"[red]{budget.message}[/red]" if budget.refused else budget.message
        console.print(f"  {shown}", highlight=False)
    columns = folding_table("column", "type", "category", "treatment", "becomes", title="Columns")
    for name, col in policy.columns.items():
        given = col.treatment.model_dump(exclude={"operator"}, exclude_defaults=True)
        params = ", ".join(f"{k}={_short(v)}" for k, v in given.items())
        out = col.treatment.output_type(col.type)
        becomes = "[dim]removed[/dim]" if out is None else out
        columns.add_row(
            name, col.type, col.category, f"{col.treatment.operator} {params}".strip(), becomes
        )
    console.print(columns)
    breaches = render_products(policy.products, "Products", console, {res.id: policy}, paths)
    errors = [loaded.error(b.message, "products", i, *b.key) for i, b in breaches]
    declared = Declared(loaded.path, loaded.sha256, {res.id: loaded})
    for i, product in enumerate(policy.products):
        problem = price_problem(product, KINDS.of(product), declared, paths)
        if problem is not None:
            console.print(f"  [red]{product.id}: refused: {problem}[/red]", highlight=False)
            errors.append(loaded.error(problem, "products", i, "price"))
    if errors:
        raise PolicyErrors(errors)


def render_products(
    products: Sequence[ProductBase],
    title: str,
    console: Console,
    policies: Mapping[str, ResourcePolicy] | None = None,
    paths: Paths | None = None,
) -> list[tuple[int, Breach]]:
    """A row per product, with what its kind says it publishes and the release matrix's rule
    that decides it (judged with the registry's grades); then any details its kind shows as a
    table. Returns the rules each product breaks, by its position."""
    paths = paths or Paths.from_env()
    grades = registered_grades(paths)
    table = folding_table(
        "product", "kind", "supply", "purpose", "release rule", "what is published",
        "suppressed (latest version)", title=title, keys=(p.id for p in products),
    )  # fmt: skip
    breaches: list[tuple[int, Breach]] = []
    shown: dict[str, Rule] = {}
    for i, p in enumerate(products):
        rule, broken = release_rule(p, policies or {}, grades)
        shown[rule.id] = rule
        verdict = rule.id
        if broken:
            verdict = f"[red]refused: {', '.join(dict.fromkeys(b.rule.id for b in broken))}[/red]"
        breaches.extend((i, b) for b in broken)
        table.add_row(
            p.id, p.kind, p.supply_mode, p.purpose, verdict, KINDS.of(p).describe(p),
            share(_latest_share(paths, p.id)),
        )  # fmt: skip
    console.print(table)
    for rule in shown.values():
        console.print(f"  [dim]{rule.id}: {rule.allows}[/dim]", highlight=False)
    for p in products:
        details = KINDS.of(p).details(p)
        if details is not None:
            shown_details = folding_table(*details.columns, title=f"{p.id}: {p.title}")
            for row in details.rows:
                shown_details.add_row(*row)
            console.print(shown_details)
    return breaches


def _latest_share(paths: Paths, product: str) -> float | None:
    """The share its latest published version suppressed; None when there is no such
    version or its checks count none."""
    manifest = latest_manifest(paths.publish, product)
    if manifest is None or off_list(manifest):
        return None
    return suppressed_share(manifest["privacy_checks"])


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
