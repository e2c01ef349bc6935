"""Publishing is atomic: a crash at any point leaves earlier versions intact and nothing half
written visible; the catalog is rebuilt from manifests."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest

from flows.files import published as pub
from transforms.egress import Origin, egress_gate

LINEAGE = {"district": Origin("dimension", "district", "quasi_identifier"), "n": Origin("measure")}
META = {
    "product": "p",
    "title": "t",
    "kind": "model",
    "supply_mode": "open",
    "purpose": "public_welfare",
    "authorization": None,
    "resource": {"id": "r", "department": "d"},
}


def cleared(n: int):
    return egress_gate(pl.DataFrame({"district": ["330106"], "n": [n]}), lineage=LINEAGE)


def test_versions_and_catalog(tmp_path):
    first = pub.publish(cleared(1), product="p", meta=META, publish_dir=tmp_path)
    second = pub.publish(cleared(2), product="p", meta=META, publish_dir=tmp_path)
    assert (first.version, second.version) == (1, 2)
    manifest = json.loads((tmp_path / "p" / "v2" / "manifest.json").read_text())
    assert manifest["rows"] == 1 and manifest["privacy_checks"][0]["passed"]
    catalog = pl.read_parquet(tmp_path / "catalog.parquet")
    assert catalog.select("product", "version", "versions", "path").row(0) == (
        "p",
        2,
        2,
        "p/v2/data.parquet",
    )


def test_only_cleared_releases_publish(tmp_path):
    with pytest.raises(TypeError):
        pub.publish(pl.DataFrame({"a": [1]}), product="p", meta=META, publish_dir=tmp_path)


@pytest.mark.parametrize("crash_at", ["write_manifest", "rename"])
def test_crash_during_publish_keeps_the_previous_version(tmp_path, monkeypatch, crash_at):
    pub.publish(cleared(1), product="p", meta=META, publish_dir=tmp_path)
    before = sorted(p.name for p in (tmp_path / "p").iterdir())
    catalog_before = (tmp_path / "catalog.parquet").read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk gone")

    if crash_at == "rename":
        monkeypatch.setattr(pub.os, "rename", crash)
    else:
        monkeypatch.setattr(
            pub, "_fsync", lambda path: crash() if path.name == pub.MANIFEST else None
        )
    with pytest.raises(OSError, match="disk gone"):
        pub.publish(cleared(2), product="p", meta=META, publish_dir=tmp_path)

    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == before == ["v1"]
    assert pl.read_parquet(tmp_path / "p" / "v1" / "data.parquet")["n"].to_list() == [1]
    assert (tmp_path / "catalog.parquet").read_bytes() == catalog_before


def test_leftover_temp_folders_are_invisible_and_swept(tmp_path):
    pub.publish(cleared(1), product="p", meta=META, publish_dir=tmp_path)
    stale = tmp_path / "p" / ".tmp-dead"
    stale.mkdir()
    (stale / "data.parquet").write_bytes(b"half")
    old = 10 * pub.STALE_TMP_SECONDS
    os.utime(stale, (os.path.getmtime(stale) - old, os.path.getmtime(stale) - old))
    assert pub.latest_manifest(tmp_path, "p")["version"] == 1
    pub.publish(cleared(2), product="p", meta=META, publish_dir=tmp_path)
    assert not stale.exists()
