"""Withdrawing the products of an authorization that ended (退出): every version built under it
is marked withdrawn in its manifest, its data file moves back inside the domain
(domain/withdrawn/<product>/v<N>/), and the capability list is rebuilt without it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from flows.clock import now
from flows.files.atomic import write_atomically
from flows.files.published import DATA, MANIFEST, write_catalog
from flows.services.audit_trail import record
from flows.services.lineage_events import withdrawal_run
from flows.settings import Paths
from governance.ledger import ReleaseLedger


def withdraw(paths: Paths, authorization_id: str, reason: str) -> list[str]:
    """Withdraw every published version built under ``authorization_id``; returns the
    products touched. Versions already withdrawn are left as they are."""
    touched: list[str] = []
    if not paths.publish.is_dir():
        return touched
    with withdrawal_run(paths, authorization_id) as run:
        for product_dir in sorted(p for p in paths.publish.iterdir() if p.is_dir()):
            versions = _withdraw_product(paths, product_dir, authorization_id, reason)
            if versions:
                touched.append(product_dir.name)
                run.withdrawn(product_dir.name, [int(v["version"]) for v in versions])
        if touched:
            write_catalog(paths.publish)
    return touched


def _withdraw_product(
    paths: Paths, product_dir: Path, authorization_id: str, reason: str
) -> list[dict]:
    """Withdraw the product's versions built under the authorization; retire and audit."""
    versions = []
    for manifest_path in sorted(product_dir.glob(f"v*/{MANIFEST}")):
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get("authorization") != authorization_id or manifest.get("withdrawn"):
            continue
        versions.append(_withdraw_version(paths, manifest_path, manifest, reason))
    if versions:
        ReleaseLedger(paths.state).retire(product_dir.name, f"withdrawn: {reason}", now())
        record(
            paths, "withdraw", subject=product_dir.name, authorization_id=authorization_id,
            outputs=versions, counts={"versions": len(versions)}, detail=reason,
        )  # fmt: skip
    return versions


def _withdraw_version(paths: Paths, manifest_path: Path, manifest: dict, reason: str) -> dict:
    moved = move_inside(paths, manifest_path.parent, "withdrawn")
    manifest["withdrawn"] = {
        "at": now().isoformat(timespec="seconds"),
        "reason": reason,
        "authorization": manifest.get("authorization"),
        "data": "moved back inside the data domain" if moved else "no data file",
    }
    rewrite_manifest(manifest_path, manifest)
    return {"version": manifest["version"], "data_sha256": manifest["data"]["sha256"]}


def move_inside(paths: Paths, version_dir: Path, folder: str) -> Path | None:
    """Move a published version's data file back inside the domain, to
    domain/<folder>/<product>/v<N>/; where it went, or None when there was none."""
    inside = paths.home / folder / version_dir.parent.name / version_dir.name
    data = version_dir / DATA
    if not data.is_file():
        return None
    inside.mkdir(parents=True, exist_ok=True)
    shutil.move(str(data), inside / DATA)
    return inside / DATA


def rewrite_manifest(manifest_path: Path, manifest: dict) -> None:
    """Replace a version's manifest in one step."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    write_atomically(manifest_path, lambda tmp: tmp.write_text(text, "utf-8"))
