"""Adding a product kind is one module and one registry line: the minimal kind shown in
docs/architecture.md, run as written, is declared in a policy, planned, built through the real
flow and egress gate, and published with its manifest."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import textwrap
from dataclasses import replace

import polars as pl
import pytest

from flows.kinds import KINDS
from flows.services.registration import submissions
from flows.settings import Paths
from governance.errors import PolicyErrors
from governance.registry import RegistryStore, register
from tests.conftest import ROOT

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
columns:
  holder_id: {category: direct_identifier, treatment: {operator: pseudonymize}}
  district: {category: quasi_identifier}
products:
  - id: people_covered
    kind: headcount
    title: 覆盖人数
    supply_mode: open
    purpose: public_welfare
    min_group_size: {minimum}
"""


@pytest.fixture
def headcount(tmp_path):
    """The documented kind, loaded from the document itself and registered for one test."""
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    code = re.search(r"<!-- minimal kind -->\n```python\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "headcount.py"
    path.write_text(code, "utf-8")
    spec = importlib.util.spec_from_file_location("headcount", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["headcount"] = module
    spec.loader.exec_module(module)
    KINDS.register(module.HeadcountKind())
    try:
        yield module
    finally:
        KINDS.unregister("headcount")
        del sys.modules["headcount"]


@pytest.fixture
def domain(tmp_path, monkeypatch):
    home = tmp_path / "domain"
    (home / "raw").mkdir(parents=True)
    rows = [f"H{i % 12},33010{i % 3}" for i in range(40)]
    (home / "raw" / "permits.csv").write_text("holder_id,district\n" + "\n".join(rows) + "\n")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(tmp_path / "published"))
    return tmp_path


def write(folder, minimum: int):
    policy = folder / "permits.yaml"
    policy.write_text(textwrap.dedent(POLICY).replace("{minimum}", str(minimum)), "utf-8")
    return policy


def test_a_registered_kind_is_built_gated_and_published(headcount, domain):
    from flows.pipeline.build import build_in_process as build

    policy = write(domain, 10)
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    result = build(str(policy))

    (outcome,) = result.published
    assert (outcome.kind, outcome.status, outcome.version) == ("headcount", "published", 1)
    assert result.refused == () and result.resources[0].rows == 40
    assert outcome.checks == (
        "no_direct_identifiers",
        "pii_scan",
        "dimension_values",
        "min_group_size",
    )
    assert pl.read_parquet(outcome.path).rows() == [(12, False)]  # 12 people, 40 rows
    manifest = json.loads((outcome.path.parent / "manifest.json").read_text("utf-8"))
    assert manifest["kind"] == "headcount" and manifest["parameters"]["min_group_size"] == 10
    assert manifest["resource"]["id"] == "permits"
    gate = {c["name"]: c["figures"] for c in manifest["privacy_checks"]}
    assert gate["min_group_size"]["smallest_published_cell"] == 12

    again = build(str(policy))
    assert again.products[0].status == "up to date"


def test_a_kind_that_hands_the_gate_no_rule_publishes_nothing(headcount, domain):
    from flows.pipeline.build import build_in_process as build

    class Unchecked(headcount.HeadcountKind):
        def gate(self, job, built):
            return replace(super().gate(job, built), rules=[])

    KINDS.unregister("headcount")
    KINDS.register(Unchecked())
    policy = write(domain, 2)
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    (outcome,) = build(str(policy)).products
    assert outcome.status == "refused" and "hands the gate no rule" in outcome.message
    assert not paths.publish.exists()


def test_a_registered_kind_is_in_the_schema_the_plan_and_authorizations(headcount, domain):
    policy = write(domain, 13)
    (spec,) = KINDS.load_policy(policy).policy.products
    assert KINDS.of(spec).describe(spec) == "the number of people, hidden below 13"
    assert '"headcount"' in KINDS.schema_text("policy")
    assert "headcount" in KINDS.policy_kinds()
    assert '"headcount"' in KINDS.schema_text("authorization")


def test_a_kind_that_is_not_registered_is_named_as_unknown(domain):
    with pytest.raises(PolicyErrors) as info:
        KINDS.load_policy(write(domain, 10))
    (error,) = info.value.errors
    assert "unknown kind 'headcount'; expected one of: model, microdata, verification" in str(error)
    lines = (domain / "permits.yaml").read_text("utf-8").splitlines()
    assert lines[error.line - 1].strip() == "kind: headcount"
