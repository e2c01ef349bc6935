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


def all_up_to_date(
    loaded: list[LoadedPolicy], products: list[str] | None, paths: Paths
) -> list[dict[str, Any]] | None:
    """Result rows when every selected product is already published from these exact inputs
    and policy (so a build would change nothing); None when something needs building."""
    rows = []
    for lp in loaded:
        chosen = [p for p in lp.policy.products if not products or p.id in products]
        if not chosen:
            continue
        sha = source_sha256(lp, paths)
        for product in chosen:
            manifest = steps.up_to_date(paths, product, steps.fingerprint(lp, product, sha))
            if manifest is None:
                return None
            rows.append(result_row(product, "up to date", manifest=manifest, paths=paths))
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
