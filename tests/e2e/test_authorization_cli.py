"""Authorizations through the CLI: builds outside their scope are refused and audited, ended
authorizations withdraw their products, and the audit log shows any tampering."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.e2e.conftest import AUTHORIZATION, Workspace, make_workspace
from tests.e2e.test_capability_list import listed


@pytest.fixture(scope="module")
def authorized(tmp_path_factory) -> Workspace:
    """A domain of its own (revocation changes it): the authorized products built once."""
    return make_workspace(
        tmp_path_factory, 600, "--product", "employment_model", "--product", "regional_vitality"
    )


def variant(ws: Workspace, name: str, text: str) -> Path:
    """A policy file outside the policy folder (so `build policies` never sees it), beside a
    link to the folder's hierarchies."""
    folder = ws.root / "variants"
    if not folder.is_dir():
        folder.mkdir()
        (folder / "hierarchies").symlink_to(ws.policies / "hierarchies")
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def audit(ws: Workspace, *args: str) -> list[dict]:
    result = ws.sluice("audit", "show", "--json", "--limit", "500", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_authorized_products_are_built_and_audited(authorized: Workspace) -> None:
    manifest = json.loads(
        (authorized.published / "employment_model" / "v1" / "manifest.json").read_text()
    )
    assert manifest["authorization"] == "AUTH-2026-001"
    published = audit(authorized, "--action", "publish", "--authorization", "AUTH-2026-001")
    assert {r["subject"] for r in published} == {"employment_model", "regional_vitality"}
    assert all(r["actor"] == "e2e" and len(r["policy_sha256"]) == 64 for r in published)
    record = next(r for r in published if r["subject"] == "employment_model")
    assert record["outputs"][0]["data_sha256"] == manifest["data"]["sha256"]
    assert record["inputs"][0]["sha256"] == manifest["inputs"][0]["sha256"]
    assert audit(authorized, "--action", "authorization_add")[0]["subject"] == "AUTH-2026-001"
    listed = authorized.sluice("authorization", "list")
    assert "AUTH-2026-001" in listed.stdout and "active" in listed.stdout


OUT_OF_SCOPE = """
  - id: insured_by_employer
    kind: model
    title: 参保人数（按用人单位）
    supply_mode: authorized
    authorization: AUTH-2026-001
    scenario: labour_market
    purpose: industry
    dimensions: [{column: jfnd, as: year}, {column: xzqh, as: city}]
    measures:
      - {name: employers, agg: count}
      - {name: base, agg: sum, column: jfjs}
    min_group_size: 10
"""


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        (("column: jfjs", "column: jfjs}\n      - {name: months, agg: sum, column: jfys"), None),
        (("scenario: labour_market", "scenario: credit_scoring"), "scenarios"),
        (("purpose: industry", "purpose: public_welfare"), "scenarios"),
        (
            ("kind: model", "kind: model\n    price: {amount: 99999, unit: per_period}"),
            "price_caps",
        ),
    ],
)
def test_a_build_outside_the_authorization_is_refused_and_writes_nothing(
    authorized: Workspace, change: tuple[str, str], clause: str | None
) -> None:
    policy = authorized.policies / "social_insurance.yaml"
    text = policy.read_text("utf-8") + OUT_OF_SCOPE.replace(*change)
    target = variant(authorized, "scope_test.yaml", text)
    before = sorted(authorized.published.rglob("*"))
    result = authorized.sluice("build", str(target), "--product", "insured_by_employer")
    if clause is None:  # within scope: jfys is granted, so the product is built
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 3
    assert f"authorization AUTH-2026-001, clause '{clause}'" in result.stderr
    assert sorted(authorized.published.rglob("*")) == before
    refusals = audit(authorized, "--action", "refuse", "--subject", "insured_by_employer")
    assert refusals[-1]["counts"]["clause"] == clause
    assert refusals[-1]["result"] == "refused"


def test_a_column_outside_the_granted_columns_is_refused(authorized: Workspace) -> None:
    policy = authorized.policies / "social_insurance.yaml"
    text = policy.read_text("utf-8") + OUT_OF_SCOPE.replace(
        "{column: xzqh, as: city}", "{column: xzqh, as: city}, {column: dwtyshxydm, as: employer}"
    )
    text = text.replace(
        "  dwtyshxydm:\n    description: 用人单位统一社会信用代码\n    category: quasi_identifier\n"
        "    entity: CN_USCC\n    treatment: {operator: drop}",
        "  dwtyshxydm:\n    description: 用人单位统一社会信用代码\n    category: quasi_identifier\n"
        "    entity: CN_USCC",
    )
    target = variant(authorized, "column_test.yaml", text)
    result = authorized.sluice("build", str(target), "--product", "insured_by_employer")
    assert result.returncode == 3
    assert "clause 'resources[0].columns'" in result.stderr and "dwtyshxydm" in result.stderr


def test_a_build_before_the_term_starts_is_refused(authorized: Workspace) -> None:
    result = authorized.sluice("build", "policies", "--product", "employment_model")
    assert result.returncode == 0  # up to date within the term
    early = authorized.sluice(
        "build", "policies", "--product", "employment_model", SLUICE_TODAY="2025-12-31"
    )
    assert early.returncode == 3
    assert "clause 'term': not valid before 2026-01-01" in early.stderr


def test_authorization_files_are_checked_with_their_line(authorized: Workspace) -> None:
    bad = authorized.root / "bad.yaml"
    text = (authorized.root / AUTHORIZATION).read_text("utf-8")
    bad.write_text(
        text.replace("uscc: 91330106MA2H3K8Q02", "uscc: 91330106MA2H3K8Q03").replace(
            "  - resource: hotline_tickets", "  - resource: parking_permits"
        ),
        "utf-8",
    )
    result = authorized.sluice("authorization", "add", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = text.splitlines().index("  uscc: 91330106MA2H3K8Q02") + 1
    assert f"bad.yaml:{line}: operator.uscc: '91330106MA2H3K8Q03' is not a valid" in result.stderr
    fixed = bad.read_text("utf-8").replace("MA2H3K8Q03", "MA2H3K8Q02")
    bad.write_text(fixed, "utf-8")
    result = authorized.sluice("authorization", "add", str(bad))
    assert result.returncode == 2
    assert "resources[2].resource: resource 'parking_permits' is not registered" in result.stderr


def test_verification_quotas_refuse_the_batch_that_would_pass_them(authorized: Workspace):
    build = authorized.sluice("build", "policies", "--product", "identity_verification")
    assert build.returncode == 0, build.stderr
    text = (authorized.root / AUTHORIZATION).read_text("utf-8")
    amended = variant(
        authorized, "quota.yaml", text.replace("claims_per_day: 200000", "claims_per_day: 150")
    )
    assert authorized.sluice("authorization", "add", str(amended), "--replace").returncode == 0
    claims = authorized.home / "raw" / "claims" / "identity_verification.csv"
    head = "".join(claims.read_text("utf-8").splitlines(keepends=True)[:101])
    batch = variant(authorized, "batch.csv", head)
    args = ["verify", "--product", "identity_verification", "--requests", str(batch),
            "--operator", "zj_data_ops"]  # fmt: skip
    first = authorized.sluice(*args, "--out", str(authorized.root / "a1.csv"))
    assert first.returncode == 0, first.stderr
    second = authorized.sluice(*args, "--out", str(authorized.root / "a2.csv"))
    assert second.returncode == 3
    assert "clause 'quotas': 100 claims would bring this day's total to 200, above 150" in (
        second.stderr
    )
    assert not (authorized.root / "a2.csv").exists()
    tomorrow = authorized.sluice(
        *args, "--out", str(authorized.root / "a3.csv"), SLUICE_TODAY="2026-07-02"
    )
    assert tomorrow.returncode == 0, tomorrow.stderr


def test_revocation_withdraws_the_products_and_refuses_new_builds(authorized: Workspace) -> None:
    assert "employment_model" in listed(authorized)
    result = authorized.sluice("authorization", "revoke", "AUTH-2026-001", "--reason", "违约")
    assert result.returncode == 0, result.stderr
    assert (
        "withdrawn: employment_model, identity_verification, insured_by_employer, "
        "regional_vitality" in result.stdout
    )
    version = authorized.published / "employment_model" / "v1"
    assert not (version / "data.parquet").exists()
    assert (authorized.home / "withdrawn" / "employment_model" / "v1" / "data.parquet").is_file()
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["withdrawn"]["authorization"] == "AUTH-2026-001"
    catalog = pl.read_parquet(authorized.published / "catalog.parquet")
    assert "employment_model" not in catalog["product"].to_list()
    assert "employment_model" not in listed(authorized)  # the capability list's page too
    assert listed(authorized) == catalog["product"].to_list()
    build = authorized.sluice("build", "policies", "--product", "employment_model")
    assert build.returncode == 3 and "clause 'status': revoked" in build.stderr
    actions = [r["action"] for r in audit(authorized)]
    assert actions[-6:] == ["authorization_revoke", *["withdraw"] * 4, "refuse"]
    assert authorized.sluice("audit", "verify").returncode == 0


def test_audit_verify_names_a_tampered_record(authorized: Workspace) -> None:
    state = authorized.home / "state.duckdb"
    con = duckdb.connect(str(state))
    con.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    con.close()
    result = authorized.sluice("audit", "verify")
    assert result.returncode == 1
    assert "record 3 was altered" in result.stderr
