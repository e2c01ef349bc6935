"""Second builds: unchanged inputs give no new version; a changed policy gives one."""

from __future__ import annotations

import json

from tests.e2e.conftest import Workspace


def versions(ws: Workspace, product: str) -> list[str]:
    return sorted(p.name for p in (ws.published / product).iterdir())


def test_rebuild_without_changes_is_up_to_date_and_fast(workspace: Workspace):
    result = workspace.sluice("build", "policies")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("up to date") == 13  # twelve products and the index
    assert versions(workspace, "visits_by_city_quarter") == ["v1"]


def test_changed_policy_gives_a_new_version_of_its_products_only(workspace: Workspace):
    policy = workspace.policies / "hospital_visits.yaml"
    original = policy.read_text("utf-8")
    policy.write_text(original.replace("min_group_size: 10", "min_group_size: 12"), "utf-8")
    try:
        result = workspace.sluice("build", "policies", "--product", "visits_by_city_quarter")
    finally:
        policy.write_text(original, "utf-8")
    assert result.returncode == 0, result.stderr
    assert versions(workspace, "visits_by_city_quarter") == ["v1", "v2"]
    manifest = json.loads(
        (workspace.published / "visits_by_city_quarter" / "v2" / "manifest.json").read_text()
    )
    assert manifest["parameters"]["min_group_size"] == 12
    assert versions(workspace, "insured_by_city_industry") == ["v1"]
