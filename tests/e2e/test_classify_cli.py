"""`sluice classify` on the files as delivered: the JSON other tools consume, and errors."""

from __future__ import annotations

import json

import polars as pl
import pytest

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
