"""A differentially private model product through the build flow: published with its account,
its expected error and budget, refused once its resource's registered budget cannot pay for
another release, refused while its policy states another budget than the registry's, and
published again once the registry's budget is changed with a reason."""

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
    contribution: {max_rows_per_subject: 2, max_partitions_per_subject: 3, bounds: {cost: [0, 500]}}
    differential_privacy: {epsilon: 1.0, delta: 1.0e-6}
"""


@pytest.fixture
def domain(tmp_path, monkeypatch):
    return visits_domain(tmp_path, monkeypatch, POLICY)


def visits_domain(tmp_path, monkeypatch, text: str):
    """Visits of 2,500 patients in three cities, the policy `text` registered."""
    home = tmp_path / "domain"
    (home / "raw").mkdir(parents=True)
    rng = np.random.default_rng(5)
    lines = ["patient,city,cost"]
    for _ in range(6000):
        city = rng.choice(["330100", "330200", "330300"], p=[0.6, 0.39, 0.01])
        lines.append(f"P{rng.integers(0, 2500)},{city},{rng.uniform(10, 900):.2f}")
    (home / "raw" / "visits.csv").write_text("\n".join(lines) + "\n", "utf-8")
    policy = tmp_path / "visits.yaml"
    policy.write_text(textwrap.dedent(text), "utf-8")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(tmp_path / "published"))
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    return paths, policy


def test_release_spends_the_budget_and_the_next_one_is_refused(domain):
    from flows.pipeline.build import build_in_process as build

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
        ("max_partitions_per_subject: 3, ", "needs contribution.max_partitions_per_subject"),
        ("mean_cost, agg: mean", "no median under differential privacy"),
        ("epsilon: 1.5,", "costs more (epsilon 1, delta 1e-06) than the whole budget"),
    ],
)
def test_unsound_private_products_are_policy_errors(tmp_path, change, words):
    replacement = {
        "  privacy_budget: {epsilon: 1.5, delta: 1.0e-5}\n": "",
        "contribution: {max_rows_per_subject: 2, ": "contribution: {",
        "max_partitions_per_subject: 3, ": "",
        "mean_cost, agg: mean": "mean_cost, agg: median",
        "epsilon: 1.5,": "epsilon: 0.5,",
    }[change]
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(POLICY).replace(change, replacement), "utf-8")
    with pytest.raises(PolicyErrors) as caught:
        KINDS.load_policy(path)
    assert words in str(caught.value) and "p.yaml:" in str(caught.value)


def test_a_budget_raised_in_the_policy_is_refused_until_the_registry_changes_it(domain):
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    assert build(str(policy)).products[0].status == "published"
    raised = policy.read_text().replace("{epsilon: 1.5, delta", "{epsilon: 5, delta")
    policy.write_text(raised.replace("round: 1}", "round: 2}"), "utf-8")
    [refused] = build(str(policy)).products
    assert refused.status == "refused" and refused.clause == "privacy_budget"
    assert "states privacy_budget epsilon 5, delta 1e-05" in refused.message
    assert "registered budget is epsilon 1.5, delta 1e-05" in refused.message
    assert "sluice registry budget visits --epsilon 5 --delta 1e-05 --reason" in refused.message
    assert len(BudgetLedger(paths.state).spends("visits")) == 1
    assert not (paths.publish / "visits_dp" / "v2").exists()
    shown = CliRunner().invoke(app, ["plan", str(policy)])
    assert "refused" in shown.stdout and "registered budget is epsilon 1.5" in shown.stdout

    runner = CliRunner()
    unexplained = runner.invoke(app, ["registry", "budget", "visits", "--epsilon", "5"])
    assert unexplained.exit_code != 0  # a reason is required
    changed = runner.invoke(
        app, ["registry", "budget", "visits", "--epsilon", "5", "--reason", "board decision 7"]
    )
    assert changed.exit_code == 0, changed.stdout
    assert "spent epsilon 1" in changed.stdout and "left epsilon 4" in changed.stdout
    record = AuditLog(paths.state).records(action="budget_change")[-1]
    assert (record.subject, record.detail) == ("visits", "board decision 7")
    assert record.counts["before"]["epsilon"] == 1.5 and record.counts["after"]["epsilon"] == 5
    event = RegistryStore(paths.state).events("visits")[-1]
    assert event.reason == "board decision 7" and "epsilon 1.5" in event.changes

    assert build(str(policy)).products[0].status == "published"
    balance = BudgetLedger(paths.state).balance("visits")
    assert (balance.spent_epsilon, balance.left_epsilon) == (2.0, 3.0)


def test_a_registration_from_before_budgets_is_fixed_by_registering_again(domain):
    import duckdb
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    with duckdb.connect(str(paths.state)) as con:  # as a registry written before budgets
        con.execute("UPDATE registrations SET budget_epsilon = NULL, budget_delta = NULL")
    [refused] = build(str(policy)).products
    assert refused.status == "refused" and "no registered privacy budget" in refused.message
    registered = CliRunner().invoke(app, ["register", str(policy)])
    assert registered.exit_code == 0 and "privacy budget fixed at epsilon 1.5" in registered.stdout
    assert AuditLog(paths.state).records(action="budget_change")[-1].detail == (
        "fixed at registration"
    )
    [published] = build(str(policy)).products
    assert published.status == "published"


def test_the_manifest_states_the_expected_error_of_each_measure(domain):
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    build(str(policy))
    manifest = json.loads((paths.publish / "visits_dp" / "v1" / "manifest.json").read_text())
    private = manifest["differential_privacy"]
    error, scale = private["expected_error"], private["mechanisms"][0]["scale"]
    assert error["patients"]["ci95"] == pytest.approx(scale * np.log(20))
    assert error["mean_cost"]["ci95_at_smallest_cell"] > 0
    assert private["contribution"]["max_partitions_per_subject"] == 3
