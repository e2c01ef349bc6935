"""A differentially private model product through the build flow: published with its account
and budget, and refused once its resource's budget cannot pay for another release."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import polars as pl
import pytest

from flows.kinds import KINDS
from flows.services.registration import submissions
from flows.settings import Paths
from governance.audit import AuditLog
from governance.budget import BudgetLedger
from governance.errors import PolicyErrors
from governance.registry import RegistryStore, register

POLICY = """
sluice: 1
resource:
  id: visits
  title: 门诊记录
  department: 卫生健康委员会
  source: raw/visits.csv
  format: csv
  update_frequency: weekly
  subject: patient
  privacy_budget: {epsilon: 1.5, delta: 1.0e-5}
columns:
  patient: {category: direct_identifier, treatment: {operator: pseudonymize}}
  city: {category: quasi_identifier}
  cost: {type: float, category: sensitive_attribute}
products:
  - id: visits_dp
    kind: model
    title: 门诊（差分隐私）
    supply_mode: open
    purpose: public_welfare
    dimensions: [city]
    measures:
      - {name: patients, agg: count_subjects}
      - {name: mean_cost, agg: mean, column: cost, round: 1}
    min_group_size: 10
    contribution: {max_rows_per_subject: 2, bounds: {cost: [0, 500]}}
    differential_privacy: {epsilon: 1.0, delta: 1.0e-6}
"""


@pytest.fixture
def domain(tmp_path, monkeypatch):
    home = tmp_path / "domain"
    (home / "raw").mkdir(parents=True)
    rng = np.random.default_rng(5)
    lines = ["patient,city,cost"]
    for _ in range(6000):
        city = rng.choice(["330100", "330200", "330300"], p=[0.6, 0.39, 0.01])
        lines.append(f"P{rng.integers(0, 2500)},{city},{rng.uniform(10, 900):.2f}")
    (home / "raw" / "visits.csv").write_text("\n".join(lines) + "\n", "utf-8")
    policy = tmp_path / "visits.yaml"
    policy.write_text(textwrap.dedent(POLICY), "utf-8")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(tmp_path / "published"))
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    return paths, policy


def test_release_spends_the_budget_and_the_next_one_is_refused(harness, domain):
    from flows.pipeline.flow import build

    paths, policy = domain
    first = build(str(policy)).products
    assert [r.status for r in first] == ["published"]
    manifest = json.loads((paths.publish / "visits_dp" / "v1" / "manifest.json").read_text())
    private = manifest["differential_privacy"]
    assert private["mechanism"] == "laplace" and private["epsilon"] <= 1.0
    assert private["budget"]["spent_epsilon"] == 1.0 and private["budget"]["left_epsilon"] == 0.5
    assert "differential_privacy" in {c["name"] for c in manifest["privacy_checks"]}
    threshold = private["mechanisms"][0]["threshold"]
    data = pl.read_parquet(paths.publish / "visits_dp" / "v1" / "data.parquet")
    assert data["patients"].min() >= threshold >= 10
    assert "330300" not in data["city"].to_list()  # about 60 patients: below the threshold

    # a changed product is a new release: the budget has 0.5 left, it needs 1.0
    policy.write_text(policy.read_text().replace("round: 1}", "round: 2}"), "utf-8")
    second = build(str(policy)).products
    assert second[0].status == "refused"
    assert "budget of resource 'visits' has epsilon 0.5" in second[0].message
    assert second[0].clause == "privacy_budget"
    assert len(BudgetLedger(paths.state).spends("visits")) == 1
    assert not (paths.publish / "visits_dp" / "v2").exists()
    refusal = AuditLog(paths.state).records(action="refuse")[-1]
    assert refusal.subject == "visits_dp" and refusal.counts["clause"] == "privacy_budget"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("  privacy_budget: {epsilon: 1.5, delta: 1.0e-5}\n", "declare resource.privacy_budget"),
        ("contribution: {max_rows_per_subject: 2, ", "needs contribution.max_rows_per_subject"),
        ("mean_cost, agg: mean", "no median under differential privacy"),
        ("epsilon: 1.5,", "costs more (epsilon 1, delta 1e-06) than the whole budget"),
    ],
)
def test_unsound_private_products_are_policy_errors(tmp_path, change, words):
    replacement = {
        "  privacy_budget: {epsilon: 1.5, delta: 1.0e-5}\n": "",
        "contribution: {max_rows_per_subject: 2, ": "contribution: {",
        "mean_cost, agg: mean": "mean_cost, agg: median",
        "epsilon: 1.5,": "epsilon: 0.5,",
    }[change]
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(POLICY).replace(change, replacement), "utf-8")
    with pytest.raises(PolicyErrors) as caught:
        KINDS.load_policy(path)
    assert words in str(caught.value) and "p.yaml:" in str(caught.value)
