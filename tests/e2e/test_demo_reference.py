"""The products of the demo are the same, value for value, as the reference recorded from an
earlier build: a change to how Sluice is organised must not change what it publishes.
Parquet files, published or generated as input, are compared by their content (schema and
rows), not their bytes: the Parquet writer puts its own version in the file, and a fresh
environment may install a newer one. The build's fingerprint, a digest of the input files'
bytes, the policy and the parameters, is left out for that reason; the three are compared.

Keys are pinned so keyed outputs repeat. What varies by nature is left out of the comparison:
publication times and the signed audit checkpoint, the search's runtime, and the values a
differentially private release draws (its noise decides which cells appear); its account,
budget and parameters are still compared.
After an intended change of output, rewrite the reference with
`SLUICE_WRITE_REFERENCE=1 .venv/bin/python -m pytest tests/e2e/test_demo_reference.py` and
review its diff.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.e2e.conftest import Workspace, make_workspace

REFERENCE = Path(__file__).parent / "reference" / "demo_products.json"
KEYS = {
    "default": "11" * 32,
    "verification-identity_verification": "22" * 32,
    "verification-enterprise_verification": "33" * 32,
}


@pytest.fixture(scope="module")
def pinned(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory, 3000, keys=KEYS)


def content(path: Path) -> str:
    """A digest of a Parquet file's schema and rows (floats by their shortest repr, which
    tells every float apart), independent of the writer that made it."""
    table = pq.read_table(path)
    text = json.dumps([str(table.schema.remove_metadata()), table.to_pylist()], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def comparable(manifest: dict[str, Any], folder: Path, home: Path) -> dict[str, Any]:
    """The manifest without what differs between two identical builds."""
    # the audit checkpoint is signed at publication, so its time and signature differ
    out = {k: v for k, v in manifest.items() if k not in ("created_at", "audit_checkpoint")}
    if "data" in out:  # the file's bytes name the writer's version: its content instead
        out["data"] = {**out["data"], "sha256": content(folder / out["data"]["file"])}
    if "fingerprint" in out:
        out["fingerprint"] = None
    out["inputs"] = [
        {**i, "sha256": content(home / i["path"])} if i["path"].endswith(".parquet") else i
        for i in out.get("inputs", [])
    ]
    work = ("linear_programmes",)  # how the audit got there, not what it found
    out["privacy_checks"] = [
        {**c, "figures": {k: None if k in work else v for k, v in c["figures"].items()}}
        for c in out.get("privacy_checks", [])
    ]
    search = out.get("anonymisation", {}).get("search")
    if search is not None:
        out["anonymisation"] = {**out["anonymisation"], "search": dict(search, runtime_ms=None)}
    if "differential_privacy" in out:
        out["rows"] = out["data"] = None
        # a mean's error is read at the smallest released cell, which the noise decides
        out["differential_privacy"] = dict(
            out["differential_privacy"], cells_released=None, expected_error=None
        )
        # how many cells (and labels in them) the noise let through
        noisy = ("cells_released", "cells_scanned", "values_scanned")
        out["privacy_checks"] = [
            {**c, "figures": {k: None if k in noisy else v for k, v in c["figures"].items()}}
            for c in out["privacy_checks"]
        ]
    return out


def published(ws: Workspace) -> dict[str, Any]:
    """Every published version's comparable manifest (which holds its data file's hash), by
    product and version, keys in the order the manifest file has them."""
    found = {}
    for path in sorted(ws.published.glob("*/v*/manifest.json")):
        manifest = json.loads(path.read_text("utf-8"))
        found[f"{path.parent.parent.name}/{path.parent.name}"] = comparable(
            manifest, path.parent, ws.home
        )
    return found


def text(manifest: dict[str, Any]) -> str:
    """As JSON text, so key order and number types (3 is not 3.0) count too."""
    return json.dumps(manifest, ensure_ascii=False, indent=1)


def test_demo_products_match_the_reference(pinned: Workspace):
    found = published(pinned)
    if os.environ.get("SLUICE_WRITE_REFERENCE"):
        REFERENCE.write_text(text(found) + "\n", "utf-8")
    reference = json.loads(REFERENCE.read_text("utf-8"))
    assert sorted(found) == sorted(reference)
    for version, expected in reference.items():
        assert text(found[version]) == text(expected), version
