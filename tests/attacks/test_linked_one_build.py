"""Differencing across products published by one build command. The build holds the domain's
writer lock throughout, so the second product is judged beside the first from the live cells
the ledger worked out from its own recording, not read back from the state. An attacker
holding both published files, solving a linear programme of their own over every total,
pins no hidden cell and leaves every cell below the minimum a range of at least the
protection width."""

from __future__ import annotations

import pytest

from tests.attacks.lp_attacker import ranges
from tests.attacks.test_linked_runs import DIMS, MEASURE, exposed, latest
from tests.e2e.conftest import make_workspace

PRODUCTS = ("insured_by_city_industry", "employment_model")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    args = [a for p in PRODUCTS for a in ("--product", p)]
    return make_workspace(tmp_path_factory, 10_000, *args)


def test_both_products_were_published_in_the_one_build(ws):
    for product in PRODUCTS:
        assert list((ws.published / product).glob("v1/data.parquet")), product
    shown = ws.sluice("ledger", "show", "social_insurance")
    assert shown.returncode == 0, shown.stderr
    assert all(p in shown.stdout for p in PRODUCTS)


def test_the_attacker_holding_both_learns_no_hidden_cell(ws):
    tables = [latest(ws, p) for p in PRODUCTS]
    attacked = ranges(tables, DIMS, MEASURE)
    assert len(attacked) >= 10, "too few hidden cells for the attack to mean anything"
    assert exposed(ws) == {}
