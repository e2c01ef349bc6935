"""A build refuses to publish from a broken delivery: the flow stops before any product of the
resource is built, nothing new is published, the quarantine is kept and the refusal is audited;
a delivery with legitimately quoted line breaks still publishes."""

from __future__ import annotations

import textwrap

import pytest

from flows.kinds import KINDS
from flows.services.registration import submissions
from flows.settings import Paths
from governance.audit import AuditLog
from governance.registry import RegistryStore, register
from tests.conftest import MINIMAL
from tests.reliability.corpus import files


@pytest.fixture
def domain(tmp_path, monkeypatch):
    home, publish = tmp_path / "domain", tmp_path / "published"
    (home / "raw").mkdir(parents=True)
    (home / "raw" / "visits.csv").write_bytes(files.GOOD)
    policy = tmp_path / "visits.yaml"
    policy.write_text(textwrap.dedent(MINIMAL), "utf-8")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(publish))
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    return paths, policy


def versions(paths: Paths) -> list[str]:
    return sorted(p.name for p in (paths.publish / "visits_by_age").glob("v*"))


def test_a_broken_delivery_is_refused_and_a_quoted_one_publishes(domain):
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    assert build(str(policy)).outcome("visits_by_age").status == "published"

    (paths.raw / "visits.csv").write_bytes(files.unbalanced_quote(8))
    refused = build(str(policy)).outcome("visits_by_age")
    assert refused.status == "refused" and refused.clause == "resource.max_rejected_share"
    assert "a double quote is left open on line 8" in refused.message
    assert versions(paths) == ["v1"]
    assert not (paths.work / "visits").exists()
    (kept,) = [q for q in (paths.quarantine / "visits").glob("*.parquet")]
    assert str(kept) in refused.message
    refusal = AuditLog(paths.state).records(action="refuse")[-1]
    assert refusal.subject == "visits_by_age" and refusal.counts["clause"] == (
        "resource.max_rejected_share"
    )
    assert "left open on line 8" in (refusal.detail or "")

    (paths.raw / "visits.csv").write_bytes(files.quoted_newlines())
    assert build(str(policy)).outcome("visits_by_age").status == "published"
    assert versions(paths) == ["v1", "v2"]
