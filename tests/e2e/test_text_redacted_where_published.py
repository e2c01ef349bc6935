"""A build redacts the hotline tickets' text only when one of its products publishes it: the
model by district and month never reads the text, so its build drops the column before any
redaction; a later build of the open tickets prepares the resource again and redacts it."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

MODEL = "hotline_by_district_month"
OPEN = "hotline_tickets_open"


@pytest.fixture(scope="module")
def model_then_text(tmp_path_factory) -> Workspace:
    ws = make_workspace(tmp_path_factory, 1000, "--product", MODEL)
    built = ws.sluice("build", "policies", "--product", OPEN)
    assert built.returncode == 0, built.stdout + built.stderr
    return ws


def preparations(ws: Workspace) -> list[dict]:
    """The audit records of the hotline resource's preparations, oldest first."""
    shown = ws.sluice("audit", "show", "--action", "build", "--subject", "hotline_tickets",
                      "--json")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    return [json.loads(line)["counts"] for line in shown.stdout.splitlines() if line.strip()]


def test_a_build_without_the_text_drops_it_unredacted(model_then_text: Workspace):
    first = preparations(model_then_text)[0]
    assert first["products"] == [MODEL]
    assert first["free_text_dropped"] == ["content"]
    model = pl.read_parquet(model_then_text.published / MODEL / "v1" / "data.parquet")
    assert model.height > 0 and "content" not in model.columns


def test_a_later_build_of_the_text_redacts_it(model_then_text: Workspace):
    later = preparations(model_then_text)[1]
    assert later["products"] == [OPEN] and later["free_text_dropped"] == []
    data = pl.read_parquet(model_then_text.published / OPEN / "v1" / "data.parquet")
    assert data["content"].str.contains("<姓名>").sum() > data.height // 3
    raw = pl.read_csv(model_then_text.home / "raw" / "hotline_tickets.csv", infer_schema=False)
    text = "\n".join(data["content"].drop_nulls())
    assert not [p for p in raw["caller_phone"].drop_nulls().unique() if p in text]
