"""The capability list's page in a real headless Chromium: its table has one row per live
product, its links open the files they name, a hostile title stays text, and it prints."""

from __future__ import annotations

import json

import pytest

from flows.files import published as pub
from tests.flows.catalog_manifests import HOSTILE, LIVE, published


@pytest.fixture
def page(tmp_path, open_page):
    pub.write_catalog(published(tmp_path))
    return open_page(tmp_path / "index.html")


def test_the_table_lists_each_live_product_once(page):
    shown = page.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.dataset.product)")
    assert sorted(shown) == sorted(LIVE)
    headers = page.eval_on_selector_all("thead th", "cells => cells.map(c => c.innerText)")
    labels = {"产品名称", "供给方式", "场景类型", "应用场景", "价格", "抑制比例", "通过的隐私检查"}
    assert labels <= set(headers)
    table = page.locator('tr[data-product="table"]').inner_text()
    assert "劳动力市场分析" in table and "150 元/期" in table and "25.0%" in table
    assert page.problems == []


def test_the_links_open_the_manifest_and_the_data(tmp_path, page):
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert len([h for h in links if h.endswith("/manifest.json")]) == len(LIVE)
    for href in links:
        assert href.startswith(tmp_path.as_uri()), href  # relative links, inside published/
        assert (tmp_path / href.removeprefix(tmp_path.as_uri() + "/")).is_file(), href
    page.click('tr[data-product="table"] a.manifest')
    opened = json.loads(page.locator("body").inner_text())
    assert (opened["product"], opened["version"]) == ("table", 2)


def test_a_hostile_title_is_shown_as_text(page):
    title = page.locator('tr[data-product="hostile"] strong').inner_text()
    assert title == HOSTILE
    assert page.title() == "产品和服务能力清单"
    assert page.evaluate("window.pwned") is None
    assert page.locator("tbody script, tbody img").count() == 0
    assert page.problems == []


def test_the_page_prints(page):
    page.emulate_media(media="print")
    assert page.locator("table").is_visible()
    assert page.eval_on_selector(".check", "e => getComputedStyle(e).borderStyle") == "none"
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
