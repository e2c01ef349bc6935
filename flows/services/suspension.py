"""Suspending products under an objection (异议) until it is resolved: the version leaves the
capability list, its data file moves back inside the domain (domain/suspended/<product>/v<N>/)
and its manifest says when, under which objection and why, as withdrawal does. Unlike
withdrawal, its footprint stays live in the release ledger (what it revealed stays known), and
a suspension is reversible: a rejection restores the version, a correction supersedes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from flows.clock import now
from flows.files.published import DATA, MANIFEST, write_catalog
from flows.services.withdraw import move_inside, rewrite_manifest
from flows.settings import Paths
from governance.objections import ObjectionStore

SUSPENDED = "suspended"


def suspend(paths: Paths, versions: list[tuple[str, int]], objection: str, reason: str) -> None:
    """Suspend each (product, version) that is still published, then rebuild the catalog."""
    for product, version in versions:
        manifest_path = paths.publish / product / f"v{version}" / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get(SUSPENDED) or manifest.get("withdrawn"):
            continue
        moved = move_inside(paths, manifest_path.parent, SUSPENDED)
        manifest[SUSPENDED] = {
            "at": now().isoformat(timespec="seconds"),
            "objection": objection,
            "reason": reason,
            "data": "moved back inside the data domain" if moved else "no data file",
        }
        rewrite_manifest(manifest_path, manifest)
    write_catalog(paths.publish)


def restore(paths: Paths, versions: list[tuple[str, int]], objection: str) -> list[str]:
    """Lift `objection`'s suspension of each version no other open objection holds: its data
    back into published/, the manifest's section removed, the catalog rebuilt. Returns the
    products restored."""
    store = ObjectionStore(paths.state)
    restored = []
    for product, version in versions:
        manifest_path = paths.publish / product / f"v{version}" / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8"))
        held = manifest.get(SUSPENDED)
        if not held or held["objection"] != objection:
            continue
        others = [o for o in store.suspending(product) if o != objection]
        if others:  # still held by another open objection: now under its name
            manifest[SUSPENDED] = {**held, "objection": others[0]}
            rewrite_manifest(manifest_path, manifest)
            continue
        inside = paths.home / SUSPENDED / product / f"v{version}" / DATA
        if inside.is_file():
            shutil.move(str(inside), manifest_path.parent / DATA)
        del manifest[SUSPENDED]
        rewrite_manifest(manifest_path, manifest)
        restored.append(product)
    write_catalog(paths.publish)
    return restored


def suspension_refusal(paths: Paths, product: str) -> str | None:
    """Why a product may not be built while open objections hold it suspended, or None."""
    held = ObjectionStore(paths.state).suspending(product)
    if not held:
        return None
    return (
        f"{product} is suspended under objection {', '.join(held)} until it is resolved; "
        f"resolve it first (`sluice objection resolve {held[0]} --uphold ...` or --reject)"
    )


def suspended_data(paths: Paths, product: str, version: int) -> Path:
    """Where a suspended version's data is kept inside the domain."""
    return paths.home / SUSPENDED / product / f"v{version}" / DATA
