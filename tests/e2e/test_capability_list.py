"""The capability list's page through the CLI: written at publication beside catalog.parquet,
with the same rows (its rewriting at withdrawal is checked with revocation, in
test_authorization_cli.py)."""

from __future__ import annotations

import re

import polars as pl

from tests.e2e.conftest import Workspace


def listed(ws: Workspace) -> list[str]:
    """The products the page lists, in its order."""
    return re.findall(r'<tr data-product="([^"]+)">', (ws.published / "index.html").read_text())


def test_the_page_lists_what_the_catalog_lists(workspace: Workspace) -> None:
    catalog = pl.read_parquet(workspace.published / "catalog.parquet")
    assert listed(workspace) == catalog["product"].to_list() != []
    page = (workspace.published / "index.html").read_text()
    for link in re.findall(r'href="([^"]+)"', page):
        assert (workspace.published / link).is_file(), link
    assert "劳动力市场分析数据模型" in page  # the authorization's scenario, by its title
