"""The rows of the product and service capability list (产品和服务能力清单): one per live
product, read from its newest manifest alone, so catalog.parquet and the page always agree."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

Figures = Mapping[str, Any]

SUPPRESSION: dict[str, Callable[[Figures], tuple[int, int]]] = {
    "min_group_size": lambda f: (
        f["suppressed_cells"],
        f["suppressed_cells"] + f["published_cells"],
    ),
    "re_identification_risk": lambda f: (
        f["before"]["records"] - f["after"]["records"],
        f["before"]["records"],
    ),
}
"""The privacy checks that count what a release suppressed, each as (suppressed, out of): a
table's cells below its minimum group size, a microdata release's records removed to reach
its privacy models. A release with none of these checks (a differentially private table, a
verification service, an index) suppresses nothing the list can count."""

SCHEMA = {
    "product": pl.String,
    "title": pl.String,
    "kind": pl.String,
    "resource": pl.String,
    "department": pl.String,
    "supply_mode": pl.String,
    "purpose": pl.String,
    "authorization": pl.String,
    "version": pl.Int64,
    "versions": pl.Int64,
    "rows": pl.Int64,
    "created_at": pl.String,
    "privacy_checks": pl.String,
    "path": pl.String,
    "audit_checkpoint": pl.String,
    "scenario": pl.String,
    "price": pl.Float64,
    "price_unit": pl.String,
    "suppressed_share": pl.Float64,
}


def suppressed_share(checks: Sequence[Mapping[str, Any]]) -> float | None:
    """The share of cells or records the release suppressed, over every check that counts
    them (`SUPPRESSION`); None when no check does.

    >>> suppressed_share([{"name": "min_group_size",
    ...     "figures": {"suppressed_cells": 1, "published_cells": 3}}])
    0.25
    >>> suppressed_share([{"name": "pii_scan", "figures": {"findings": 0}}]) is None
    True
    """
    counted = [SUPPRESSION[c["name"]](c["figures"]) for c in checks if c["name"] in SUPPRESSION]
    total = sum(out_of for _, out_of in counted)
    if not counted:
        return None
    return sum(suppressed for suppressed, _ in counted) / total if total else 0.0


def catalog_row(manifest: Mapping[str, Any], folder: str, versions: int) -> dict[str, Any]:
    """A live product's row, from its newest manifest (`folder`: its folder in published/)."""
    parameters = manifest.get("parameters") or {}
    price = parameters.get("price")
    free = price is None or manifest["purpose"] == "public_welfare"
    scenario = manifest.get("scenario") or {}
    checkpoint = manifest.get("audit_checkpoint")
    return {
        "product": manifest["product"],
        "title": manifest["title"],
        "kind": manifest["kind"],
        "resource": manifest["resource"]["id"],
        "department": manifest["resource"]["department"],
        "supply_mode": manifest["supply_mode"],
        "purpose": manifest["purpose"],
        "authorization": manifest.get("authorization"),
        "version": manifest["version"],
        "versions": versions,
        "rows": manifest["rows"],
        "created_at": manifest["created_at"],
        "privacy_checks": ", ".join(c["name"] for c in manifest["privacy_checks"]),
        "path": f"{folder}/v{manifest['version']}/{manifest['data']['file']}",
        "audit_checkpoint": json.dumps(checkpoint, sort_keys=True) if checkpoint else None,
        "scenario": scenario.get("title") or parameters.get("scenario"),
        "price": 0.0 if free else float(price["amount"]),
        "price_unit": None if free else price["unit"],
        "suppressed_share": suppressed_share(manifest["privacy_checks"]),
    }
