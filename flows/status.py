"""What a build would find for each product, computed without starting Prefect."""

from __future__ import annotations

from typing import Any

from flows import steps
from flows.ingest import file_sha256
from flows.settings import Paths
from governance.policy.load import LoadedPolicy
from governance.policy.products import ProductBase


def source_sha256(loaded: LoadedPolicy, paths: Paths) -> str:
    """Content hash of a policy's source file."""
    return file_sha256(paths.source(loaded.policy.resource.source))


def sort_products(
    loaded: LoadedPolicy, chosen: list[ProductBase], paths: Paths
) -> tuple[list[dict[str, Any]], list[ProductBase], dict[str, str]]:
    """Split products into those settled without building (up to date, or refused for want of
    an authorization) and those to build; with every product's fingerprint."""
    sha = source_sha256(loaded, paths)
    prints = {p.id: steps.fingerprint(loaded, p, sha) for p in chosen}
    settled: list[dict[str, Any]] = []
    todo: list[ProductBase] = []
    for product in chosen:
        manifest = steps.up_to_date(paths, product, prints[product.id])
        if manifest is not None:
            settled.append(result_row(product, "up to date", manifest=manifest, paths=paths))
        elif product.supply_mode == "authorized":
            reason = f"authorization '{product.authorization}' is not registered in this domain"
            settled.append(result_row(product, "refused", message=reason))
        else:
            todo.append(product)
    return settled, todo, prints


def chosen_products(loaded: LoadedPolicy, products: list[str] | None) -> list[ProductBase]:
    """The policy's products, or only those named."""
    return [p for p in loaded.policy.products if not products or p.id in products]


def nothing_to_build(
    loaded: list[LoadedPolicy], products: list[str] | None, paths: Paths
) -> list[dict[str, Any]] | None:
    """Result rows when no selected product needs building, so Prefect need not start;
    None when something does."""
    rows = []
    for lp in loaded:
        chosen = chosen_products(lp, products)
        if chosen:
            settled, todo, _ = sort_products(lp, chosen, paths)
            if todo:
                return None
            rows.extend(settled)
    return rows


def result_row(
    product: ProductBase,
    status: str,
    *,
    manifest: dict[str, Any] | None = None,
    paths: Paths | None = None,
    prepared: Any = None,
    message: str = "",
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
    }
