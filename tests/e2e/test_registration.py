"""Resource registration through the CLI: codes, unchanged re-registration, changes with
history, cancellation and unregistered resources refused by the build, one datum one source,
and the export read back."""

from __future__ import annotations

import json
import shutil

import duckdb
import polars as pl
import pytest

from tests.e2e.conftest import Workspace

OWNER = "浙江省市场监督管理局"
CLAIMANT = "杭州市市场监督管理局"
RESOURCES = ["enterprise_registry", "hospital_visits", "hotline_tickets", "social_insurance"]


def codes(ws: Workspace) -> dict[str, str]:
    with duckdb.connect(str(ws.home / "state.duckdb"), read_only=True) as con:
        return dict(con.execute("SELECT resource_id, code FROM registrations").fetchall())


def event_count(ws: Workspace) -> int:
    with duckdb.connect(str(ws.home / "state.duckdb"), read_only=True) as con:
        found = con.execute("SELECT count(*) FROM registration_events").fetchone()
    return found[0] if found else 0


@pytest.fixture
def copy(workspace: Workspace, tmp_path) -> Workspace:
    """A private copy of the registered and built workspace, for changes and cancellations."""
    for name in ("policies", "domain", "published"):
        shutil.copytree(workspace.root / name, tmp_path / name)
    env = {
        **workspace.env,
        "SLUICE_HOME": str(tmp_path / "domain"),
        "SLUICE_PUBLISH_DIR": str(tmp_path / "published"),
    }
    return Workspace(tmp_path, env)


def test_every_resource_is_registered_once_with_its_own_code(workspace: Workspace):
    listed = workspace.sluice("registry", "list")
    assert listed.returncode == 0, listed.stderr
    found = codes(workspace)
    assert sorted(found) == RESOURCES
    assert len(set(found.values())) == len(RESOURCES)
    rows = listed.stdout.splitlines()
    assert all(any(rid in r and code in r for r in rows) for rid, code in found.items())
    shown = workspace.sluice("registry", "show", "social_insurance")
    assert shown.returncode == 0, shown.stderr
    for text in ("浙江省人力资源和社会保障厅", "general-4", "sfzh", "CN_RESIDENT_ID", "monthly"):
        assert text in shown.stdout


def test_registering_unchanged_resources_again_writes_nothing(workspace: Workspace):
    before = (codes(workspace), event_count(workspace))
    result = workspace.sluice("register", "policies")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("unchanged") == len(RESOURCES)
    assert (codes(workspace), event_count(workspace)) == before


def test_build_refuses_an_unregistered_resource(workspace: Workspace, tmp_path):
    text = (workspace.policies / "enterprise_registry.yaml").read_text("utf-8")
    policy = tmp_path / "enterprises_copy.yaml"
    policy.write_text(text.replace("id: enterprise_registry", "id: enterprises_copy"), "utf-8")
    result = workspace.sluice("build", str(policy))
    assert result.returncode == 2
    assert "resource 'enterprises_copy' is not registered" in result.stderr
    assert f"run `sluice register {policy}` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_department_cannot_claim_the_same_data(workspace: Workspace, tmp_path):
    text = (workspace.policies / "enterprise_registry.yaml").read_text("utf-8")
    other = text.replace(f"department: {OWNER}", f"department: {CLAIMANT}")
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "same_id.yaml").write_text(other, "utf-8")
    firms = other.replace("id: enterprise_registry", "id: firms")
    firms = firms.replace("id: enterprises_by_district", "id: firms_by_district")
    firms = firms.replace("id: enterprise_verification", "id: firms_verification")
    (claims / "same_content.yaml").write_text(firms, "utf-8")
    before = (codes(workspace), event_count(workspace))
    result = workspace.sluice("register", str(claims))
    assert result.returncode == 2
    refusal = f"{CLAIMANT} cannot register the same data item (one datum, one source)"
    assert result.stderr.count(refusal) == 2
    assert f"resource 'enterprise_registry' is already registered by {OWNER}" in result.stderr
    assert f"as resource 'enterprise_registry', already registered by {OWNER}" in result.stderr
    assert "Traceback" not in result.stderr
    assert (codes(workspace), event_count(workspace)) == before


def test_unknown_resource_and_missing_source_are_user_errors(workspace: Workspace, tmp_path):
    for args in (("show", "nope"), ("cancel", "nope", "--reason", "x")):
        result = workspace.sluice("registry", *args)
        assert result.returncode == 2
        assert result.stderr.startswith("error: resource 'nope' is not registered; registered: ")
        assert ", ".join(RESOURCES) in result.stderr
    text = (workspace.policies / "hotline_tickets.yaml").read_text("utf-8")
    policy = tmp_path / "missing.yaml"
    policy.write_text(text.replace("raw/hotline_tickets.csv", "raw/nope.csv"), "utf-8")
    result = workspace.sluice("register", str(policy))
    assert result.returncode == 2
    assert f"error: {policy}:" in result.stderr and "resource.source: file" in result.stderr
    assert "Traceback" not in result.stderr


def test_cancel_change_and_history(copy: Workspace, tmp_path):
    policy = "policies/enterprise_registry.yaml"
    code = codes(copy)["enterprise_registry"]

    cancelled = copy.sluice("registry", "cancel", "enterprise_registry", "--reason", "停止报送")
    assert cancelled.returncode == 0, cancelled.stderr
    refused = copy.sluice("build", policy)
    assert refused.returncode == 2
    assert "registration of resource 'enterprise_registry'" in refused.stderr
    assert "was cancelled" in refused.stderr and "停止报送" in refused.stderr
    assert f"run `sluice register {policy}` to register it again" in refused.stderr

    again = copy.sluice("register", policy)
    assert again.returncode == 0, again.stderr
    assert "registered again after cancellation" in again.stdout
    rebuilt = copy.sluice("build", policy)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "up to date" in rebuilt.stdout

    raw = copy.home / "raw" / "enterprise_registry.csv"
    lines = raw.read_bytes().splitlines(keepends=True)
    raw.write_bytes(b"".join([*lines, lines[-1]]))
    changed = copy.sluice("register", policy)
    assert changed.returncode == 0, changed.stderr
    assert "changed" in changed.stdout and "content sha256" in changed.stdout
    assert f"rows {len(lines) - 1}→{len(lines)}" in changed.stdout

    history = copy.sluice("registry", "history", "enterprise_registry")
    assert history.returncode == 0, history.stderr
    assert code in history.stdout and "停止报送" in history.stdout and "rows" in history.stdout
    with duckdb.connect(str(copy.home / "state.duckdb"), read_only=True) as con:
        events = con.execute(
            "SELECT version, event, code FROM registration_events "
            "WHERE resource_id = 'enterprise_registry' ORDER BY seq"
        ).fetchall()
    assert [(v, e) for v, e, _ in events] == [
        (1, "registered"),
        (1, "cancelled"),
        (2, "registered"),
        (3, "changed"),
    ]
    assert {c for _, _, c in events} == {code} and codes(copy)["enterprise_registry"] == code

    out = tmp_path / "export"
    exported = copy.sluice("registry", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in out.iterdir()) == ["registry.json", "registry.parquet"]
    table = pl.read_parquet(out / "registry.parquet")
    assert sorted(table["resource_id"]) == RESOURCES
    row = table.filter(pl.col("resource_id") == "enterprise_registry").row(0, named=True)
    assert (row["code"], row["version"], row["status"]) == (code, 3, "changed")
    assert [e["event"] for e in row["events"]] == [
        "registered",
        "cancelled",
        "registered",
        "changed",
    ]
    document = json.loads((out / "registry.json").read_text("utf-8"))
    assert {r["code"] for r in document["registrations"]} == set(table["code"])
    assert len(document["events"]) == event_count(copy)
    assert OWNER in (out / "registry.json").read_text("utf-8")
    counted = duckdb.sql(f"SELECT count(*) FROM '{out / 'registry.parquet'}'").fetchall()
    assert counted == [(len(RESOURCES),)]
