"""A differentially private model whose exact counts another live product of the resource
already publishes: noise protects nothing there, so the release is refused before any budget
is spent, or, when the policy says so, published with that said in plain words."""

from __future__ import annotations

import json

import pytest

from governance.budget import BudgetLedger
from tests.flows.test_private_build import POLICY, visits_domain

EXACT = """
  - id: visits_by_city
    kind: model
    title: 门诊（按城市）
    supply_mode: open
    purpose: public_welfare
    dimensions: [city]
    measures:
      - {name: patients, agg: count_subjects}
    min_group_size: 10
"""


@pytest.fixture
def domain(tmp_path, monkeypatch, request):
    """The DP model's domain, with an exact model of the same cells declared before it."""
    text = POLICY.replace("products:\n", "products:\n" + EXACT.lstrip("\n"), 1).replace(
        "differential_privacy: {epsilon: 1.0, delta: 1.0e-6}",
        "differential_privacy: {epsilon: 1.0, delta: 1.0e-6" + request.param + "}",
    )
    return visits_domain(tmp_path, monkeypatch, text)


@pytest.mark.parametrize("domain", [""], indirect=True)
def test_a_release_whose_counts_are_published_exactly_is_refused_without_spending(domain):
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    outcomes = {r.product: r for r in build(str(policy)).products}
    assert outcomes["visits_by_city"].status == "published"
    refused = outcomes["visits_dp"]
    assert refused.status == "refused" and refused.clause == "derivable"
    assert "visits_by_city" in refused.message and "adds no protection" in refused.message
    assert BudgetLedger(paths.state).spends("visits") == []
    assert not (paths.publish / "visits_dp").exists()


@pytest.mark.parametrize("domain", [", if_derivable: disclose"], indirect=True)
def test_disclose_publishes_and_says_so_in_the_manifest(domain):
    from flows.pipeline.build import build_in_process as build

    paths, policy = domain
    outcomes = {r.product: r for r in build(str(policy)).products}
    assert outcomes["visits_dp"].status == "published"
    manifest = json.loads((paths.publish / "visits_dp" / "v1" / "manifest.json").read_text())
    derivable = manifest["differential_privacy"]["derivable"]
    assert derivable["cells"] == derivable["of"] >= 2
    assert [p.split(" v")[0] for p in derivable["from"]] == ["visits_by_city"]
    assert "adds no protection" in derivable["note"]
