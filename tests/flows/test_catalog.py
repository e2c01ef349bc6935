"""The capability list: one row per live product, read from its newest manifest, with the
scenario, the price and the share the release suppressed; catalog.parquet and index.html
agree, and withdrawn or suspended products leave both."""

from __future__ import annotations

import json

import polars as pl
import pytest

from flows.files import published as pub
from flows.files.catalog import suppressed_share
from tests.flows.catalog_manifests import HOSTILE, LIVE, OFF, published


@pytest.fixture
def catalog(tmp_path) -> pl.DataFrame:
    return pub.write_catalog(published(tmp_path))


def row(catalog: pl.DataFrame, product: str) -> dict:
    (found,) = catalog.filter(pl.col("product") == product).to_dicts()
    return found


def test_one_row_per_live_product_and_none_for_withdrawn_or_suspended(tmp_path, catalog):
    assert sorted(catalog["product"]) == sorted(LIVE)
    assert pl.read_parquet(tmp_path / "catalog.parquet").equals(catalog)
    page = (tmp_path / "index.html").read_text("utf-8")
    assert all(f'data-product="{p}"' in page for p in LIVE)
    assert not any(f'data-product="{p}"' in page for p in OFF)


def test_the_existing_columns_keep_their_meaning(catalog):
    table = row(catalog, "table")
    assert (table["version"], table["versions"], table["path"]) == (2, 2, "table/v2/data.parquet")
    assert table["privacy_checks"] == "no_direct_identifiers, pii_scan, min_group_size"
    assert (table["resource"], table["authorization"]) == ("social_insurance", "AUTH-2026-001")


def test_scenario_and_price_come_from_the_manifest(catalog):
    table, checks, records = (row(catalog, p) for p in ("table", "checks", "records"))
    assert (table["scenario"], table["price"], table["price_unit"]) == (
        "劳动力市场分析",
        150.0,
        "per_period",
    )
    assert (checks["scenario"], checks["price"], checks["price_unit"]) == (
        "credit_review",  # a manifest without the scenario's title shows its id
        0.3,
        "per_call",
    )
    assert (records["scenario"], records["price"], records["price_unit"]) == (None, 0.0, None)


def test_public_welfare_is_free_whatever_the_price_says(tmp_path):
    priced = {"scenario": None, "price": {"amount": 9.0, "unit": "per_call"}}
    free = {**LIVE["records"], "parameters": priced}
    published(tmp_path)
    (tmp_path / "records" / "v1" / "manifest.json").write_text(json.dumps(free), "utf-8")
    assert row(pub.write_catalog(tmp_path), "records")["price"] == 0.0
    assert "免费" in (tmp_path / "index.html").read_text("utf-8")


def test_the_suppressed_share_is_counted_the_same_way_for_every_kind(catalog):
    shares = dict(catalog.select("product", "suppressed_share").iter_rows())
    assert shares["table"] == pytest.approx(25 / 100)  # cells below the minimum group size
    assert shares["records"] == pytest.approx(40 / 1000)  # records removed by the search
    assert shares["noisy"] is None and shares["checks"] is None
    both = [LIVE["table"]["privacy_checks"][-1], LIVE["records"]["privacy_checks"][-1]]
    assert suppressed_share(both) == pytest.approx((25 + 40) / (100 + 1000))


def test_the_page_shows_the_figures_of_the_row(tmp_path, catalog):
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "25.0%" in page and "4.0%" in page and "150 元/期" in page and "0.3 元/次" in page
    assert "劳动力市场分析" in page and "授权运营" in page and "共享" in page
    assert page.count("差分隐私：加噪，不抑制") == 1  # the noisy table's share, and no other
    assert 'href="./table/v2/manifest.json"' in page and 'href="./table/v2/data.parquet"' in page
    assert 'href="./audit-public-key.pem"' in page and 'href="./audit-checkpoints"' not in page


def test_a_hostile_title_is_escaped(tmp_path, catalog):
    page = (tmp_path / "index.html").read_text("utf-8")
    assert HOSTILE not in page and "<script" not in page
    assert "&lt;script&gt;" in page
