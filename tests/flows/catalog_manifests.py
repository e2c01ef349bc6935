"""Hand-written manifests of every kind, placed in a published/ folder as publication leaves
them, for the tests of the capability list and its page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

HOSTILE = '<script>document.title="pwned"</script><img src=x onerror="window.pwned=1">'
"""A product title that would run in the page if it were not escaped."""


def check(name: str, **figures: Any) -> dict[str, Any]:
    return {"name": name, "passed": True, "figures": figures}


BASE = [check("no_direct_identifiers", columns_checked=3), check("pii_scan", findings=0)]


def manifest(product: str, kind: str, checks: list[dict], **head: Any) -> dict[str, Any]:
    return {
        "product": product,
        "title": head.pop("title", f"{product} 标题"),
        "kind": kind,
        "supply_mode": head.pop("supply_mode", "open"),
        "purpose": head.pop("purpose", "public_welfare"),
        "authorization": head.pop("authorization", None),
        "resource": {"id": "social_insurance", "department": "人力资源和社会保障厅"},
        "parameters": head.pop("parameters", {"scenario": None, "price": None}),
        "version": head.pop("version", 1),
        "created_at": "2026-06-30T08:00:00+00:00",
        "rows": head.pop("rows", 40),
        "privacy_checks": [*BASE, *checks],
        "data": {"file": "data.parquet", "sha256": "0" * 64},
        **head,
    }


AUTHORIZED = {
    "supply_mode": "authorized",
    "purpose": "industry",
    "authorization": "AUTH-2026-001",
}

LIVE = {
    "table": manifest(
        "table", "model", [check("min_group_size", published_cells=75, suppressed_cells=25)],
        **AUTHORIZED,
        parameters={"scenario": "labour_market", "price": {"amount": 150.0, "unit": "per_period"}},
        scenario={"id": "labour_market", "title": "劳动力市场分析", "purpose": "industry"},
    ),
    "records": manifest(
        "records", "microdata",
        [check("re_identification_risk", before={"records": 1000}, after={"records": 960})],
    ),
    "noisy": manifest(
        "noisy", "model", [check("differential_privacy", epsilon=1.0)], supply_mode="shared"
    ),
    "checks": manifest(
        "checks", "verification", [check("verification_index", index_rows=500)], **AUTHORIZED,
        parameters={"scenario": "credit_review", "price": {"amount": 0.3, "unit": "per_call"}},
    ),
    "hostile": manifest("hostile", "model", [], title=HOSTILE),
}  # fmt: skip
"""Live products, one of each kind of suppression figure."""

OFF = {
    "gone": manifest("gone", "model", [], withdrawn={"at": "2026-06-30", "reason": "违约"}),
    "held": manifest("held", "model", [], suspended={"at": "2026-06-30", "reason": "异议"}),
}
"""Products whose newest version was withdrawn or suspended."""


def place(publish_dir: Path, found: dict[str, Any]) -> Path:
    """A version folder as publication leaves it: its manifest and its data file."""
    folder = publish_dir / found["product"] / f"v{found['version']}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(found, ensure_ascii=False), "utf-8")
    pl.DataFrame({"n": [1, 2]}).write_parquet(folder / "data.parquet")
    return folder


def published(publish_dir: Path) -> Path:
    """A published/ folder holding every live and every removed product, with the audit
    public key beside them, and an older version of `table`."""
    publish_dir.mkdir(exist_ok=True)
    place(publish_dir, {**LIVE["table"], "version": 1})
    for found in [*LIVE.values(), *OFF.values()]:
        place(publish_dir, {**found, "version": 2} if found["product"] == "table" else found)
    (publish_dir / "audit-public-key.pem").write_text("-----BEGIN PUBLIC KEY-----\n")
    return publish_dir
