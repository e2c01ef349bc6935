"""Every record-level product the demo publishes, measured by pyCANON (not Sluice's code) on
the published Parquet: the public environment's classes of at least 20, and for the visits'
diagnoses at least 3 different values in every class. The quasi-identifiers are those the
manifest says the release was judged on (the declared ones and any a reader's knowledge made
one)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.e2e.conftest import Workspace

RECORDS = ("insured_microdata", "visits_microdata", "hotline_tickets_open")


@pytest.mark.parametrize("product", RECORDS)
def test_every_class_holds_twenty_records(workspace: Workspace, product: str):
    anonymity = pytest.importorskip("pycanon.anonymity")
    folder = workspace.published / product / "v1"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    qis = [q["column"] for q in manifest["anonymisation"]["quasi_identifiers"]]
    frame = pl.read_parquet(folder / "data.parquet").to_pandas().reset_index(drop=True)
    assert len(frame) > 0
    assert anonymity.k_anonymity(frame, qis) >= 20


def test_the_visits_diagnoses_are_three_diverse_in_every_class(workspace: Workspace):
    anonymity = pytest.importorskip("pycanon.anonymity")
    folder = workspace.published / "visits_microdata" / "v1"
    frame = pl.read_parquet(folder / "data.parquet").to_pandas().reset_index(drop=True)
    qis = ["age", "sex", "district", "visit_date"]
    assert anonymity.l_diversity(frame, qis, ["diagnosis"]) >= 3
