"""`sluice doctor`: published/ checked against the domain's state and the audit log. What can
be repaired without judgement is repaired (a publication left under way, a stale hidden folder,
a product's latest version, the catalog, the published checkpoints); what cannot (a version on
disk the state never recorded, a recorded version gone from disk, a data file that is not the
one published, a broken audit log) is reported for a person to decide."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field

import polars as pl

from flows.files.published import CATALOG, DATA, MANIFEST, TMP_PREFIX, write_catalog
from flows.services.checkpoints import publish_head, verify_published
from flows.services.checkpoints import published as published_checkpoints
from flows.services.recovery import reconcile
from flows.settings import Paths
from governance.state import State

OK, REPAIRED, PROBLEMS = 0, 1, 2
"""Exit codes, as monitoring systems read them: healthy, repaired (healthy now), needs a
person."""


@dataclass
class Findings:
    """What the doctor did and found, one line each."""

    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def code(self) -> int:
        return PROBLEMS if self.problems else REPAIRED if self.repaired else OK


def examine(paths: Paths, *, repair: bool = True) -> Findings:
    """Check the domain; with `repair`, mend what is safe to mend."""
    found = Findings()
    if repair:
        found.repaired += [f"publication {line}" for line in reconcile(paths)]
    _stale_folders(paths, found, repair)
    versions = _recorded(paths)
    on_disk = _on_disk(paths)
    newest = {p: max(v for q, v in versions if q == p) for p, _ in versions}
    for product, version in sorted(versions):
        if (product, version) in on_disk:
            continue
        if version < newest[product] and (product, newest[product]) in on_disk:
            found.notes.append(f"{product} v{version}: removed from {paths.publish}")
            continue  # history removed outside Sluice (make clean); the product is served
        found.problems.append(
            f"{product} v{version}: recorded in the state but missing from {paths.publish} "
            "(removed outside Sluice?); rebuild the product to publish it again"
        )
    for (product, version), manifest in sorted(on_disk.items()):
        if (product, version) not in versions:
            found.problems.append(
                f"{product} v{version}: in {paths.publish} but never recorded in the state; "
                "it was not published by this domain, or its record was lost: remove it, or "
                "rebuild"
            )
        found.problems += _data_problems(paths, product, version, manifest)
    _latest(paths, versions, found, repair)
    _catalog(paths, found, repair)
    _audit(paths, found, repair)
    return found


def _recorded(paths: Paths) -> dict[tuple[str, int], str]:
    if not paths.state.is_file():
        return {}
    rows = State(paths.state).rows("product_versions")
    return {(r["product_id"], int(r["version"])): r["path"] for r in rows}


def _on_disk(paths: Paths) -> dict[tuple[str, int], dict]:
    found: dict[tuple[str, int], dict] = {}
    for manifest in paths.publish.glob(f"*/v*/{MANIFEST}") if paths.publish.is_dir() else []:
        folder = manifest.parent
        if folder.name[1:].isdigit():
            found[(folder.parent.name, int(folder.name[1:]))] = json.loads(
                manifest.read_text("utf-8")
            )
    return found


def _data_problems(paths: Paths, product: str, version: int, manifest: dict) -> list[str]:
    if manifest.get("withdrawn") or manifest.get("suspended"):
        return []  # its data went back inside the domain
    data = paths.publish / product / f"v{version}" / DATA
    if not data.is_file():
        return [f"{product} v{version}: its data file is missing"]
    if hashlib.sha256(data.read_bytes()).hexdigest() != manifest["data"]["sha256"]:
        return [
            f"{product} v{version}: its data file is not the one published (the manifest's "
            "sha256 differs); restore it from the audit trail's record, or withdraw it"
        ]
    return []


def _stale_folders(paths: Paths, found: Findings, repair: bool) -> None:
    stale = list(paths.publish.glob(f"*/{TMP_PREFIX}*")) if paths.publish.is_dir() else []
    if stale and not repair:
        found.problems.append(f"{len(stale)} hidden folder(s) left by interrupted publications")
    elif stale:
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)
        found.repaired.append(f"removed {len(stale)} hidden folder(s) of interrupted publications")


def _latest(
    paths: Paths, versions: dict[tuple[str, int], str], found: Findings, repair: bool
) -> None:
    if not versions:
        return
    newest: dict[str, int] = {}
    for product, version in versions:
        newest[product] = max(newest.get(product, 0), version)
    state = State(paths.state)
    for row in state.rows("products"):
        want = newest.get(row["product_id"])
        if want is None or row["latest_version"] == want:
            continue
        if not repair:
            found.problems.append(f"{row['product_id']}: latest version is behind ({want})")
            continue
        state.record_product({**_product_row(row), "latest_version": want})
        found.repaired.append(
            f"{row['product_id']}: latest version {row['latest_version']} -> {want}"
        )


def _product_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "updated_at"}


def _catalog(paths: Paths, found: Findings, repair: bool) -> None:
    path = paths.publish / CATALOG
    if not repair or not paths.publish.is_dir():
        return
    before = pl.read_parquet(path).rows() if path.is_file() else None
    if before is not None and before != write_catalog(paths.publish).rows():
        found.repaired.append("the catalog did not match the manifests; rewritten")


def _audit(paths: Paths, found: Findings, repair: bool) -> None:
    verdict = verify_published(paths)
    if not verdict.intact:
        found.problems.append(f"audit log: {verdict.message}")
        return
    known = published_checkpoints(paths.publish)
    if repair and publish_head(paths) is not None:
        found.repaired.append(
            "published the audit log's newest checkpoint"
            + (f" (the last published was record {known[-1].seq})" if known else "")
        )
