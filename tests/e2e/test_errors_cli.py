"""User errors through the CLI: a message with file, line and key, a non-zero exit, no
traceback, and nothing written."""

from __future__ import annotations

from tests.e2e.conftest import Workspace


def snapshot(ws: Workspace) -> set[str]:
    return {str(p.relative_to(ws.root)) for p in ws.published.rglob("*")}


def test_broken_policy_stops_the_build_before_anything_runs(workspace: Workspace, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (workspace.policies / "hospital_visits.yaml").read_text("utf-8")
    bad.write_text(text.replace("operator: pseudonymize", "operator: pseudonymise"), "utf-8")
    before = snapshot(workspace)
    result = workspace.sluice("build", str(bad))
    assert result.returncode == 2
    assert f"error: {bad}:" in result.stderr
    assert "unknown operator 'pseudonymise'" in result.stderr and "did you mean" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(workspace) == before


def test_missing_source_file_points_at_the_policy_line(workspace: Workspace, tmp_path):
    bad = tmp_path / "missing.yaml"
    text = (workspace.policies / "hospital_visits.yaml").read_text("utf-8")
    bad.write_text(text.replace("raw/hospital_visits.parquet", "raw/nope.parquet"), "utf-8")
    result = workspace.sluice("build", str(bad))
    assert result.returncode == 2
    assert "resource.source: file" in result.stderr and "nope.parquet not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_product_is_named(workspace: Workspace):
    result = workspace.sluice("build", "policies", "--product", "nope")
    assert result.returncode == 2 and "unknown product(s): nope" in result.stderr


def test_plan_writes_nothing(workspace: Workspace):
    before = snapshot(workspace)
    state = (workspace.home / "state.duckdb").read_bytes()
    result = workspace.sluice("plan", "policies/social_insurance.yaml")
    assert result.returncode == 0, result.stderr
    assert "pseudonymize" in result.stdout and "insured_by_city_industry" in result.stdout
    assert snapshot(workspace) == before
    assert (workspace.home / "state.duckdb").read_bytes() == state


def test_authorized_product_without_a_registered_authorization_is_refused(
    workspace: Workspace, tmp_path
):
    text = (workspace.policies / "hospital_visits.yaml").read_text("utf-8")
    text = text.replace("id: visits_by_city_quarter", "id: visits_for_insurers").replace(
        "    supply_mode: open\n    purpose: public_welfare",
        "    supply_mode: authorized\n    purpose: industry\n    authorization: AUTH-2026-007",
    )
    policy = tmp_path / "authorized.yaml"
    policy.write_text(text, "utf-8")
    before = snapshot(workspace)
    result = workspace.sluice("build", str(policy))
    assert result.returncode == 3
    assert "authorization AUTH-2026-007, clause 'id': not held by this domain" in result.stderr
    assert snapshot(workspace) == before
