"""The release matrix: every rule refuses what it should and lets through what it allows, named
by its id, through the real plan (policies loaded, registry read) and once through `sluice
plan`; the matrix covers every supply mode, grade and form, and docs/products.md lists it."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.pipeline.results import Status
from governance.policy.release import FORMS, Shape
from governance.release_matrix import RULES, Outflow, cell
from governance.release_matrix.rules import BANDS, MODES
from tests.conftest import ROOT
from tests.matrix_domain import (
    RECIPIENTS,
    Domain,
    index,
    make_domain,
    microdata,
    model,
    policy_text,
    verification,
)

SLUICE = Path(sys.executable).parent / "sluice"
AUTH = "authorization: AUTH-9"


@pytest.fixture(scope="module")
def domain(tmp_path_factory) -> Domain:
    return make_domain(tmp_path_factory.mktemp("matrix"))


# --- the matrix as data -------------------------------------------------------------------------


def test_rule_ids_are_unique_and_every_rule_says_what_and_why():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.allows and rule.why, rule.id
        assert rule.fix or rule.allowed == rule.forms, rule.id  # a rule that refuses says how


def test_every_mode_grade_and_form_has_a_cell():
    for mode, band, form in itertools.product(MODES, BANDS, FORMS):
        grade = {"general": "general-2", "important": "important", "core": "core"}[band]
        flow = Outflow("p", mode, Shape(form), (), {"r": grade}, recipients=False)
        assert cell(flow).test == "cell"


def test_the_authorization_row_points_at_the_check_that_enforces_it():
    (row,) = [r for r in RULES if r.test == "authorization"]
    assert row.enforced_by is not None
    for path in ("governance/authorization/scope.py", "flows/services/authorizations.py"):
        assert path in row.enforced_by and (ROOT / path).is_file()


def test_docs_list_every_rule():
    text = (ROOT / "docs" / "products.md").read_text("utf-8")
    section = text[text.index("## Release matrix") :]
    for rule in RULES:
        assert f"`{rule.id}`" in section, rule.id


# --- each rule through the plan -----------------------------------------------------------------

REFUSED = [
    ("open.no-core-data", policy_text(model(), sector_grade="core"), None),
    ("open.no-core-data", policy_text(model(dimension="sector"), sector_grade="core"), None),
    ("open.no-important-data", policy_text(model(), sector_grade="important"), None),
    ("open.no-verification", policy_text(verification("open")), None),
    ("open.public-records", policy_text(microdata(privacy="{environment: enclave}")), None),
    ("open.public-records", policy_text(microdata(privacy="{environment: controlled}")), None),
    ("open.public-records", policy_text(microdata(privacy="{k: 19}")), None),
    ("shared.named-recipients", policy_text(model("shared")), None),
    ("shared.named-recipients", policy_text(model("open", extra=RECIPIENTS)), None),
    ("shared.pseudonyms-only",
     policy_text(model("shared", "phone", RECIPIENTS), phone=("quasi_identifier", "mask")), None),
    ("open.no-identifiers",
     policy_text(model("open", "phone"), phone=("quasi_identifier", "pseudonymize")), None),
    ("authorized.no-identifiers",
     policy_text(model("authorized", "phone", AUTH), phone=("quasi_identifier", "pseudonymize")),
     None),
    ("shared.no-core-data", policy_text(model("shared", extra=RECIPIENTS), sector_grade="core"),
     None),
    ("important.no-verification",
     policy_text(verification("shared", RECIPIENTS), sector_grade="important"), None),
    ("important.aggregated-or-controlled",
     policy_text(microdata("shared", "{environment: enclave}", RECIPIENTS),
                 sector_grade="important"), None),
    ("core.enclave-under-authorization",
     policy_text(model("authorized", extra=AUTH), sector_grade="core"), None),
    ("core.enclave-under-authorization",
     policy_text(microdata("authorized", "{environment: enclave}", AUTH), sector_grade="core"),
     None),
    ("core.enclave-under-authorization",
     policy_text(microdata("authorized", "{environment: controlled}", AUTH), sector_grade="core"),
     None),
    ("authorized.general", policy_text(microdata("authorized", "{k: 2}", AUTH)), None),
    ("authorized.within-scope", policy_text(model("authorized", extra=AUTH)), None),
    ("any.no-secret", policy_text(model(dimension="salary")), None),
    ("open.no-important-data", policy_text("", sector_grade="important"), index("open")),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "policy", "index_file"), REFUSED)
def test_the_plan_refuses_naming_the_rule(domain, rule, policy, index_file):
    refusals = domain.refusals(policy, index_file)
    assert refusals, f"{rule}: nothing refused"
    assert any(f"release matrix rule '{rule}'" in m for m in refusals), refusals
    (matching,) = [r for r in RULES if r.id == rule]
    if matching.enforced_by is None:  # rules checked elsewhere say what to change there
        assert any(matching.fix in m for m in refusals)


ALLOWED = [
    ("open.aggregates", policy_text(model()), None),
    ("open.aggregates", policy_text("", sector_grade="general-4"), index("open")),
    ("open.public-records", policy_text(microdata(privacy="{environment: public}")), None),
    ("open.public-records", policy_text(microdata(privacy="{k: 20}")), None),
    ("shared.general", policy_text(model("shared", extra=RECIPIENTS)), None),
    ("shared.general", policy_text(microdata("shared", "{k: 2}", RECIPIENTS)), None),
    ("shared.general", policy_text(verification("shared", RECIPIENTS)), None),
    ("shared.general",
     policy_text(model("shared", "phone", RECIPIENTS), phone=("quasi_identifier", "pseudonymize")),
     None),
    ("important.aggregated-or-controlled",
     policy_text(model("shared", extra=RECIPIENTS), sector_grade="important"), None),
    ("important.aggregated-or-controlled",
     policy_text(microdata("shared", "{environment: controlled}", RECIPIENTS),
                 sector_grade="important"), None),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "policy", "index_file"), ALLOWED)
def test_the_plan_builds_what_the_rule_allows(domain, rule, policy, index_file):
    plan = domain.plan(policy, index_file)
    assert plan.products and all(p.to_build for p in plan.products), [
        p.message for p in plan.products
    ]


AUTHORIZED = [
    ("authorized.general", policy_text(model("authorized", extra=AUTH))),
    ("authorized.general", policy_text(microdata("authorized", "{k: 3}", AUTH))),
    ("authorized.general", policy_text(verification("authorized", AUTH))),
    ("important.aggregated-or-controlled",
     policy_text(model("authorized", extra=AUTH), sector_grade="important")),
    ("core.enclave-under-authorization",
     policy_text(microdata("authorized", "{environment: enclave, k: 5}", AUTH),
                 sector_grade="core")),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "policy"), AUTHORIZED)
def test_what_the_matrix_allows_under_authorization_goes_on_to_the_scope_check(
    domain, rule, policy
):
    """No authorization AUTH-9 is held: the matrix lets the product through, and the scope
    check (the matrix's `authorized.within-scope` row) is what refuses it."""
    (planned,) = domain.plan(policy).products
    assert planned.status is Status.REFUSED and planned.clause == "id"
    assert planned.message.startswith("release matrix rule 'authorized.within-scope'")


def test_the_registry_s_grade_counts_when_the_policy_no_longer_states_it(tmp_path):
    """Registered as important data, then the grade line removed from the policy: the plan
    still judges the resource by the registry's grade (就高从严)."""
    domain = make_domain(tmp_path)
    domain.register(policy_text("", sector_grade="important"))
    (planned,) = domain.plan(policy_text(model())).products
    assert planned.status is Status.REFUSED and planned.clause == "open.no-important-data"
    assert "resource 'people' is graded important" in planned.message


# --- secret columns, through every kind ---------------------------------------------------------

SECRET = {
    "model dimension": (policy_text(model(dimension="salary")), None),
    "model measure": (
        policy_text(model(extra="margins: []").replace(
            "[{name: people, agg: count_subjects}]",
            "[{name: pay, agg: sum, column: salary}]",
        )),
        None,
    ),
    "private model measure": (
        policy_text(model("authorized", extra=AUTH).replace(
            "measures: [{name: people, agg: count_subjects}]",
            "measures: [{name: people, agg: count_subjects}, {name: pay, agg: sum, column: salary}]"
            "\n      contribution: {max_rows_per_subject: 1, bounds: {salary: [0, 9000]}}"
            "\n      differential_privacy: {epsilon: 1, delta: 1.0e-6}",
        )),
        None,
    ),
    "microdata record": (policy_text(microdata(extra="include: [salary]")), None),
    "verification claim": (policy_text(verification("authorized", AUTH, claim="salary")), None),
    "index filter": (policy_text(""), index("open", where="{salary: [5000.0]}")),
}  # fmt: skip


@pytest.mark.parametrize("where", SECRET)
def test_every_kind_refuses_a_secret_column(domain, where):
    policy, index_file = SECRET[where]
    refusals = domain.refusals(policy, index_file)
    assert any("release matrix rule 'any.no-secret': 'salary' is secret" in m for m in refusals), (
        refusals
    )


# --- `sluice plan` ------------------------------------------------------------------------------


def test_sluice_plan_shows_the_rule_and_refuses_naming_it(domain, tmp_path):
    env = {
        **os.environ,
        "SLUICE_HOME": str(domain.paths.home),
        "SLUICE_PUBLISH_DIR": str(domain.paths.publish),
    }
    good = tmp_path / "good.yaml"
    good.write_text(policy_text(model() + microdata(privacy="{k: 20}")), "utf-8")
    shown = subprocess.run(
        [str(SLUICE), "plan", str(good)], env=env, capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert "release rule" in shown.stdout
    assert "open.aggregates" in shown.stdout and "open.public-records" in shown.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(policy_text(microdata(privacy="{environment: enclave}")), "utf-8")
    refused = subprocess.run(
        [str(SLUICE), "plan", str(bad)], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2
    assert "release matrix rule 'open.public-records'" in refused.stderr
    assert "set `privacy.environment: public`" in refused.stderr
    assert "Traceback" not in refused.stderr
