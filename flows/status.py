"""What a build would find for each product, computed without starting Prefect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flows import steps
from flows.audit_trail import record_refusals
from flows.authorized import check, index_use, product_use
from flows.ingest import file_sha256
from flows.settings import Paths
from governance.policy.index_load import LoadedIndex
from governance.policy.load import LoadedPolicy
from governance.policy.products import ProductBase


def source_sha256(loaded: LoadedPolicy, paths: Paths) -> str:
    """Content hash of a policy's source file."""
    return file_sha256(paths.source(loaded.policy.resource.source))


def sort_products(
    loaded: LoadedPolicy, chosen: list[ProductBase], paths: Paths
) -> tuple[list[dict[str, Any]], list[ProductBase], dict[str, str]]:
    """Split products into those settled without building (refused by their authorization, or
    up to date) and those to build; with every product's fingerprint. A refused product writes
    nothing."""
    sha = source_sha256(loaded, paths)
    prints = {p.id: steps.fingerprint(loaded, p, sha) for p in chosen}
    settled: list[dict[str, Any]] = []
    todo: list[ProductBase] = []
    for product in chosen:
        if product.supply_mode == "authorized":
            refused = check(paths, str(product.authorization), product_use(loaded, product))
            if refused is not None:
                settled.append(
                    result_row(product, "refused", message=str(refused), clause=refused.clause)
                )
                continue
        manifest = steps.up_to_date(paths, product, prints[product.id])
        if manifest is not None:
            settled.append(result_row(product, "up to date", manifest=manifest, paths=paths))
        else:
            todo.append(product)
    return settled, todo, prints


def chosen_products(loaded: LoadedPolicy, products: list[str] | None) -> list[ProductBase]:
    """The policy's products, or only those named."""
    return [p for p in loaded.policy.products if not products or p.id in products]


def nothing_to_build(
    loaded: list[LoadedPolicy],
    products: list[str] | None,
    paths: Paths,
    indices: Sequence[LoadedIndex] = (),
) -> list[dict[str, Any]] | None:
    """Result rows when no selected product or index needs building, so Prefect need not
    start (refusals among them are audited here, since no flow will run); None when
    something does."""
    settled_by: list[tuple[str, list[dict[str, Any]]]] = []
    for lp in loaded:
        chosen = chosen_products(lp, products)
        if chosen:
            settled, todo, _ = sort_products(lp, chosen, paths)
            if todo:
                return None
            settled_by.append((lp.sha256, settled))
    policies = {lp.policy.resource.id: lp for lp in loaded}
    for li in indices:
        row = settled_index(li, policies, paths)
        if row is None:
            return None
        settled_by.append((li.sha256, [row]))
    for sha, rows in settled_by:
        record_refusals(paths, rows, sha)
    return [row for _, rows in settled_by for row in rows]


def settled_index(
    li: LoadedIndex, policies: dict[str, LoadedPolicy], paths: Paths
) -> dict[str, Any] | None:
    """An index's result row when it need not be built (refused or up to date), else None."""
    from flows.index_build import index_fingerprint  # it builds on this module

    index = li.index
    if index.supply_mode == "authorized":
        refused = check(paths, str(index.authorization), index_use(index, policies))
        if refused is not None:
            return result_row(index, "refused", message=str(refused), clause=refused.clause)
    manifest = steps.up_to_date(paths, index, index_fingerprint(li, policies, paths))
    if manifest is None:
        return None
    return result_row(index, "up to date", manifest=manifest, paths=paths)


def result_row(
    product: ProductBase,
    status: str,
    *,
    manifest: dict[str, Any] | None = None,
    paths: Paths | None = None,
    prepared: Any = None,
    message: str = "",
    clause: str | None = None,
) -> dict[str, Any]:
    checks = [c["name"] for c in manifest["privacy_checks"] if c["passed"]] if manifest else []
    path = ""
    if manifest and paths:
        path = str(paths.publish / product.id / f"v{manifest['version']}" / "data.parquet")
    return {
        "product": product.id,
        "kind": product.kind,
        "status": status,
        "version": manifest["version"] if manifest else None,
        "rows": manifest["rows"] if manifest else None,
        "resource": prepared.resource if prepared else None,
        "quarantined": prepared.quarantined if prepared else None,
        "quarantine_file": str(prepared.quarantine_file or "") if prepared else "",
        "checks": ", ".join(checks),
        "path": path,
        "message": message,
        "authorization": product.authorization,
        "clause": clause,
    }
