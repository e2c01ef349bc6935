"""The build, run in-process: products publish, a release carrying personal
data is refused at the gate and nothing of it is written, rejected rows reach quarantine."""

from __future__ import annotations

import json
import textwrap

import polars as pl
import pytest

from flows.kinds import KINDS
from flows.services.registration import submissions
from flows.settings import Paths
from governance.registry import RegistryStore, register

POLICY = """
sluice: 1
resource:
  id: permits
  title: 许可记录
  department: 市场监督管理局
  source: raw/permits.csv
  format: csv
  update_frequency: daily
  subject: holder_id
  max_rejected_share: 0.1   # one row in thirteen is malformed, on purpose
columns:
  holder_id:
    category: direct_identifier
    required: true
    treatment: {operator: pseudonymize}
  district:
    category: quasi_identifier
  contact:
    category: non_personal   # wrongly declared: it holds mobile numbers
  fee:
    type: float
    category: sensitive_attribute
    checks: {min: 0}
products:
  - id: permits_by_district
    kind: model
    title: 按区县
    supply_mode: open
    purpose: public_welfare
    dimensions: [district]
    measures:
      - {name: holders, agg: count_subjects}
      - {name: mean_fee, agg: mean, column: fee}
    min_group_size: 3
  - id: permits_by_contact
    kind: model
    title: 按联系方式
    supply_mode: open
    purpose: public_welfare
    dimensions: [contact]
    measures: [{name: holders, agg: count_subjects}]
    min_group_size: 2
"""


@pytest.fixture
def domain(tmp_path, monkeypatch):
    home, publish = tmp_path / "domain", tmp_path / "published"
    (home / "raw").mkdir(parents=True)
    rows = ["holder_id,district,contact,fee"]
    for i in range(12):
        rows.append(f"H{i % 6},{330106 if i < 10 else 330102},1381234567{i % 2},{10 + i}")
    rows.append("H9,330106,13812345670,not-a-number")
    (home / "raw" / "permits.csv").write_text("\n".join(rows) + "\n", "utf-8")
    policy = tmp_path / "permits.yaml"
    policy.write_text(textwrap.dedent(POLICY), "utf-8")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(publish))
    return home, publish, policy


def register_all(policy) -> None:
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))


def test_flow_publishes_refuses_and_quarantines(domain):
    from flows.pipeline.build import build_in_process as build

    home, publish, policy = domain
    register_all(policy)
    results = {r.product: r for r in build(str(policy)).products}

    assert results["permits_by_district"].status == "published"
    table = pl.read_parquet(publish / "permits_by_district" / "v1" / "data.parquet")
    assert table.select("district", "holders", "suppressed").rows() == [
        ("330102", None, True),
        ("330106", 6, False),
    ]
    manifest = json.loads((publish / "permits_by_district" / "v1" / "manifest.json").read_text())
    assert manifest["inputs"][0]["rows_quarantined"] == 1
    assert {c["name"] for c in manifest["privacy_checks"]} == {
        "no_direct_identifiers",
        "pii_scan",
        "dimension_values",
        "min_group_size",
        "linked_tables",
    }

    refused = results["permits_by_contact"]
    assert refused.status == "refused" and "pii_scan" in refused.message
    assert "13812345670" not in refused.message
    assert not (publish / "permits_by_contact").exists()

    quarantine = pl.read_parquet(next((home / "quarantine" / "permits").glob("*.parquet")))
    assert quarantine.select("line", "stage").rows() == [(14, "validate")]
    assert "fee: 'not-a-number' is not a float" in quarantine["reason"][0]
    assert not (home / "work" / "permits").exists()


def test_flow_refuses_an_unregistered_resource_without_reading_it(domain):
    from flows.pipeline.build import build_in_process as build

    home, publish, policy = domain
    results = build(str(policy)).products
    assert {r.status for r in results} == {"refused"}
    assert "resource 'permits' is not registered" in results[0].message
    assert not publish.exists() and not (home / "quarantine").exists()
