"""The open hotline tickets product: the tickets' text is published with every planted
identifier replaced, in classes of at least 20 tickets by district, month and category."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

PRODUCT = "hotline_tickets_open"
QIS = ["district", "created_at", "category"]


@pytest.fixture(scope="module")
def tickets(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory, 1000, "--product", PRODUCT)


def published(ws: Workspace) -> tuple[pl.DataFrame, dict]:
    folder = ws.published / PRODUCT / "v1"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return pl.read_parquet(folder / "data.parquet"), manifest


def test_the_text_leaves_in_classes_of_twenty(tickets: Workspace):
    data, manifest = published(tickets)
    assert data.columns == [*QIS, "satisfaction", "content"]
    assert data.group_by(QIS).len()["len"].min() >= 20
    checks = {c["name"]: c for c in manifest["privacy_checks"]}
    assert checks["redacted_text"]["passed"]
    assert checks["redacted_text"]["figures"]["texts_scanned"] == data["content"].drop_nulls().len()
    assert data["content"].str.contains("<姓名>").sum() > data.height // 3


def test_no_planted_identifier_is_published(tickets: Workspace):
    data, _ = published(tickets)
    raw = tickets.home / "raw"
    spans = pl.read_parquet(raw / "_truth" / "spans.parquet").filter(
        pl.col("resource") == "hotline_tickets"
    )
    text = "\n".join(data["content"].drop_nulls())
    numbers = spans.filter(pl.col("entity") != "PERSON")["text"].unique()
    assert numbers.len() > 200 and not [v for v in numbers if v in text]
    names = spans.filter(pl.col("entity") == "PERSON")["text"].unique()
    missed = [v for v in names if f"人{v}" in text or f"民{v}" in text]
    assert names.len() > 200 and not missed
    hot = pl.read_csv(raw / "hotline_tickets.csv", infer_schema=False)
    assert not set(hot["caller_phone"].drop_nulls()) & set(text.split("<手机号>"))


def test_the_ticket_text_is_mostly_kept(tickets: Workspace):
    data, _ = published(tickets)
    raw = pl.read_csv(tickets.home / "raw" / "hotline_tickets.csv", infer_schema=False)
    assert data["content"].str.len_chars().mean() > 0.6 * raw["content"].str.len_chars().mean()
    assert "咨询医保异地就医备案需要准备哪些材料。" in set(data["content"])
