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
import stat
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows.clock import now
from flows.files.atomic import write_atomically
from flows.files.catalog import SCHEMA as CATALOG_SCHEMA
from flows.files.catalog import catalog_row
from flows.files.page import PAGE, render_page
from transforms.egress import Release

MANIFEST = "manifest.json"
DATA = "data.parquet"
CATALOG = "catalog.parquet"
STALE_TMP_SECONDS = 3600
TMP_PREFIX = ".tmp-"


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


def off_list(manifest: dict[str, Any]) -> bool:
    """A product whose newest version was withdrawn or suspended leaves the capability list."""
    return bool(manifest.get("withdrawn") or manifest.get("suspended"))


def publish(
    release: Release, *, product: str, meta: dict[str, Any], publish_dir: Path
) -> Published:
    """Write a cleared release as the product's next version, then refresh the catalog."""
    pending = stage_version(release, product=product, meta=meta, publish_dir=publish_dir)
    try:
        return place_version(write_manifest(pending))
    except BaseException:
        discard_version(pending)
        raise


@dataclass(frozen=True)
class Pending:
    """A version written into its hidden folder and not yet in place: `manifest` is what
    `write_manifest` writes there."""

    product: str
    version: int
    tmp: Path
    final: Path
    manifest: dict[str, Any]


def stage_version(
    release: Release,
    *,
    product: str,
    meta: dict[str, Any],
    publish_dir: Path,
    after: int = 0,
) -> Pending:
    """Write a cleared release's data into a hidden folder of the product, numbered after the
    newest version on disk and `after` (the newest the domain's state records, so a version
    number is never used twice, even when published/ was removed)."""
    if not isinstance(release, Release):
        raise TypeError("only a Release cleared by the egress gate can be published")
    product_dir = publish_dir / product
    product_dir.mkdir(parents=True, exist_ok=True)
    _sweep_stale(product_dir)
    tmp = product_dir / f"{TMP_PREFIX}{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        data_path = tmp / DATA
        release.frame.write_parquet(data_path, statistics=True)
        _fsync(data_path)
        version = max(max(_versions(product_dir), default=0), after) + 1
        manifest = {
            **meta,
            "version": version,
            "created_at": now().replace(tzinfo=dt.UTC).isoformat(timespec="seconds"),
            "rows": release.frame.height,
            "schema": [{"name": n, "type": str(t)} for n, t in release.frame.schema.items()],
            "privacy_checks": [
                {"name": c.name, "passed": c.passed, "figures": dict(c.figures)}
                for c in release.checks
            ],
            "data": {"file": DATA, "sha256": _sha256(data_path)},
        }
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Pending(product, version, tmp, product_dir / f"v{version}", manifest)


def write_manifest(pending: Pending, extra: dict[str, Any] | None = None) -> Pending:
    """Write the manifest (with `extra` sections) into the hidden folder, durably."""
    manifest = {**pending.manifest, **(extra or {})}
    path = pending.tmp / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    _fsync(path)
    fsync_dir(pending.tmp)
    return Pending(pending.product, pending.version, pending.tmp, pending.final, manifest)


def place_version(pending: Pending) -> Published:
    """Rename the hidden folder into place (one step) and refresh the catalog; a version
    already in place (placed before a crash) is left as it is."""
    if not pending.final.exists():
        os.rename(pending.tmp, pending.final)
        fsync_dir(pending.final.parent)
    write_catalog(pending.final.parent.parent)
    return Published(pending.product, pending.version, pending.final, pending.manifest)


def discard_version(pending: Pending) -> None:
    """Remove a version that will not be published."""
    shutil.rmtree(pending.tmp, ignore_errors=True)


def write_catalog(publish_dir: Path) -> pl.DataFrame:
    """Rebuild the capability list from the newest manifest of every product: catalog.parquet
    and its page, index.html, from the same rows (each replaced atomically)."""
    rows = []
    for product_dir in sorted(p for p in publish_dir.iterdir() if p.is_dir()):
        manifest = latest_manifest(publish_dir, product_dir.name)
        if manifest is None or off_list(manifest):
            continue
        rows.append(catalog_row(manifest, product_dir.name, len(_versions(product_dir))))
    catalog = pl.DataFrame(rows, schema=CATALOG_SCHEMA)
    _replace(publish_dir / CATALOG, catalog.write_parquet)
    page = render_page(catalog.to_dicts(), now(), {p.name for p in publish_dir.iterdir()})
    _replace(publish_dir / PAGE, lambda path: path.write_text(page, "utf-8"))
    products = [p for p in publish_dir.iterdir() if p.is_dir() and _versions(p)]
    share(publish_dir, [publish_dir / CATALOG, publish_dir / PAGE, *products])
    return catalog


def share(publish_dir: Path, published: list[Path]) -> None:
    """Make what was published readable by all (files 0644, folders 0755), whatever the
    process's umask: inside the domain files are created private, and what leaves must not be."""
    _readable(publish_dir, stat.S_IMODE(publish_dir.stat().st_mode) | 0o755)
    for top in published:
        for path in (top, *top.rglob("*")) if top.is_dir() else (top,):
            if not path.is_symlink():
                _readable(path, 0o755 if path.is_dir() else 0o644)


def _readable(path: Path, mode: int) -> None:
    """Set `mode` only where it differs: a folder another operator made is left alone."""
    if stat.S_IMODE(path.stat().st_mode) != mode:
        os.chmod(path, mode)


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Replace `target` in one step with what `write` wrote, durably."""
    write_atomically(target, lambda tmp: (write(tmp), _fsync(tmp)))


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
    for p in product_dir.glob(f"{TMP_PREFIX}*"):
        if now - p.stat().st_mtime > STALE_TMP_SECONDS:
            shutil.rmtree(p, ignore_errors=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
