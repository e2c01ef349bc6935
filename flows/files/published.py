"""Publishing (发布): atomic, versioned releases and the product and service capability list.

A version is written into a hidden temporary folder and renamed into place in one step, so a
crash at any moment leaves earlier versions intact and no half-written version visible. The
catalog is derived from the manifests, so it can always be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from transforms.egress import Release

MANIFEST = "manifest.json"
DATA = "data.parquet"
CATALOG = "catalog.parquet"
STALE_TMP_SECONDS = 3600


@dataclass(frozen=True)
class Published:
    """One published version of a product."""

    product: str
    version: int
    path: Path
    manifest: dict[str, Any]


def latest_manifest(publish_dir: Path, product: str) -> dict[str, Any] | None:
    """The manifest of a product's newest version, or None if it was never published."""
    versions = _versions(publish_dir / product)
    if not versions:
        return None
    return json.loads((publish_dir / product / f"v{versions[-1]}" / MANIFEST).read_text("utf-8"))


def publish(
    release: Release, *, product: str, meta: dict[str, Any], publish_dir: Path
) -> Published:
    """Write a cleared release as the product's next version, then refresh the catalog."""
    if not isinstance(release, Release):
        raise TypeError("only a Release cleared by the egress gate can be published")
    product_dir = publish_dir / product
    product_dir.mkdir(parents=True, exist_ok=True)
    _sweep_stale(product_dir)
    tmp = product_dir / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        data_path = tmp / DATA
        release.frame.write_parquet(data_path, statistics=True)
        _fsync(data_path)
        version = (max(_versions(product_dir), default=0)) + 1
        manifest = {
            **meta,
            "version": version,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": release.frame.height,
            "schema": [{"name": n, "type": str(t)} for n, t in release.frame.schema.items()],
            "privacy_checks": [
                {"name": c.name, "passed": c.passed, "figures": dict(c.figures)}
                for c in release.checks
            ],
            "data": {"file": DATA, "sha256": _sha256(data_path)},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        _fsync(tmp / MANIFEST)
        final = product_dir / f"v{version}"
        os.rename(tmp, final)
        _fsync_dir(product_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    write_catalog(publish_dir)
    return Published(product, version, final, manifest)


def write_catalog(publish_dir: Path) -> pl.DataFrame:
    """Rebuild catalog.parquet from the newest manifest of every product (atomic replace)."""
    rows = []
    for product_dir in sorted(p for p in publish_dir.iterdir() if p.is_dir()):
        manifest = latest_manifest(publish_dir, product_dir.name)
        if manifest is None or manifest.get("withdrawn"):
            continue  # a withdrawn product leaves the capability list
        rows.append(
            {
                "product": manifest["product"],
                "title": manifest["title"],
                "kind": manifest["kind"],
                "resource": manifest["resource"]["id"],
                "department": manifest["resource"]["department"],
                "supply_mode": manifest["supply_mode"],
                "purpose": manifest["purpose"],
                "authorization": manifest.get("authorization"),
                "version": manifest["version"],
                "versions": len(_versions(product_dir)),
                "rows": manifest["rows"],
                "created_at": manifest["created_at"],
                "privacy_checks": ", ".join(c["name"] for c in manifest["privacy_checks"]),
                "path": f"{product_dir.name}/v{manifest['version']}/{DATA}",
            }
        )
    catalog = pl.DataFrame(rows, schema=_CATALOG_SCHEMA)
    tmp = publish_dir / f".{CATALOG}.{uuid.uuid4().hex}.tmp"
    catalog.write_parquet(tmp)
    _fsync(tmp)
    os.replace(tmp, publish_dir / CATALOG)
    return catalog


_CATALOG_SCHEMA = {
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
}


def _versions(product_dir: Path) -> list[int]:
    if not product_dir.is_dir():
        return []
    found = []
    for p in product_dir.iterdir():
        if (
            p.is_dir()
            and p.name.startswith("v")
            and p.name[1:].isdigit()
            and (p / MANIFEST).is_file()
        ):
            found.append(int(p.name[1:]))
    return sorted(found)


def _sweep_stale(product_dir: Path) -> None:
    """Remove temporary folders left by a crashed publish (old enough not to be in progress)."""
    now = time.time()
    for p in product_dir.glob(".tmp-*"):
        if now - p.stat().st_mtime > STALE_TMP_SECONDS:
            shutil.rmtree(p, ignore_errors=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
