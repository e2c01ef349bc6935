"""`sluice classify` on the files as delivered: the JSON other tools consume, and errors."""

from __future__ import annotations

import json

import polars as pl
import pytest

from flows.kinds import KINDS
from tests.e2e.conftest import Workspace

FILES = [
    "social_insurance.csv",
    "enterprise_registry.csv",
    "hotline_tickets.csv",
    "hospital_visits.parquet",
]


@pytest.mark.parametrize("name", FILES)
def test_classify_json_finds_every_direct_identifier(workspace: Workspace, name: str):
    result = workspace.sluice("classify", str(workspace.home / "raw" / name), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"resource", "table_grade", "columns"}
    keys = {
        "name",
        "category",
        "entity",
        "pi_class",
        "sensitive_pi",
        "grade",
        "confidence",
        "evidence",
    }
    assert all(set(c) == keys for c in report["columns"])
    truth = pl.read_csv(workspace.home / "raw" / "_truth" / "columns.csv")
    truth = truth.filter(pl.col("resource") == name.split(".")[0])
    got = {c["name"]: c["category"] for c in report["columns"]}
    direct = truth.filter(pl.col("category") == "direct_identifier")["column"].to_list()
    assert direct and all(got[c] == "direct_identifier" for c in direct)
    assert report["table_grade"] == "general-4"


def test_classify_table_and_errors(workspace: Workspace, tmp_path):
    shown = workspace.sluice("classify", str(workspace.home / "raw" / "social_insurance.csv"))
    assert shown.returncode == 0 and "CN_RESIDENT_ID" in shown.stdout
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = workspace.sluice("classify", str(empty))
    assert result.returncode == 2 and "the file is empty" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", FILES)
def test_emitted_draft_policy_loads_and_removes_every_direct_identifier(
    workspace: Workspace, tmp_path, name: str
):

    draft = tmp_path / "draft.yaml"
    source = workspace.home / "raw" / name
    result = workspace.sluice(
        "classify", str(source), "--emit-policy", str(draft), "--reference-date", "2026-06-30"
    )
    assert result.returncode == 0, result.stderr
    policy = KINDS.load_policy(draft).policy  # cross-checks: identifiers removed, types fit
    assert policy.resource.source == f"raw/{name}"
    assert str(policy.reference_date) == "2026-06-30"
    truth = pl.read_csv(workspace.home / "raw" / "_truth" / "columns.csv")
    truth = truth.filter(pl.col("resource") == name.split(".")[0])
    direct = truth.filter(pl.col("category") == "direct_identifier")["column"].to_list()
    treated = {c: policy.columns[c].treatment.operator for c in direct}
    assert set(treated.values()) <= {"drop", "pseudonymize"}, treated
    assert workspace.sluice("plan", str(draft)).returncode == 0
    again = workspace.sluice("classify", str(source), "--emit-policy", str(draft))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b,c\n", "no data rows below the header (a, b, c)"),
        (b"110101199003077571,x\n110101199003077571,y\n", "line 1 looks like data, not a header"),
        (bytes(range(256)) * 20, "holds a NUL byte"),
    ],
    ids=["header-only", "no-header", "binary"],
)
def test_unclassifiable_files_get_a_clear_error(workspace: Workspace, tmp_path, content, message):
    path = tmp_path / "delivered.csv"
    path.write_bytes(content)
    result = workspace.sluice("classify", str(path), "--json")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "110101199003077571" not in result.stderr


def test_folder_and_broken_parquet_are_named(workspace: Workspace, tmp_path):
    assert "is a folder" in workspace.sluice("classify", str(tmp_path)).stderr
    broken = tmp_path / "x.parquet"
    broken.write_text("not parquet")
    result = workspace.sluice("classify", str(broken))
    assert result.returncode == 2 and "not a readable Parquet file" in result.stderr


def test_mixed_types_are_warned_about(workspace: Workspace, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("amount\n" + "\n".join(["12", "15", "n/a", "30", "unknown"]) + "\n")
    result = workspace.sluice("classify", str(path))
    assert result.returncode == 0
    assert "column 'amount': mixed types: 60% integer" in result.stderr
