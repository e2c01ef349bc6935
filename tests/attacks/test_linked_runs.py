"""Differencing across products built in different runs, through the real command line: the
second product's build knows what the first one published (the release ledger), so an attacker
holding both published files, solving a linear programme of their own over every total, pins
no hidden cell and leaves every cell below the minimum a range of at least the protection
width. Then the first product is rebuilt beside the second, and the same holds."""

from __future__ import annotations

import math

import polars as pl
import pytest

from tests.attacks.lp_attacker import ranges
from tests.e2e.conftest import make_workspace

DIMS = ("year", "city", "industry")
MEASURE = "insured_people"
WIDTH = 4  # the default protection width for a minimum group size of 10


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return make_workspace(tmp_path_factory, 10_000, "--product", "insured_by_city_industry")


def latest(ws, product: str) -> pl.DataFrame:
    versions = sorted((ws.published / product).glob("v*/data.parquet"))
    return pl.read_parquet(versions[-1])


def exposed(ws) -> dict:
    tables = [latest(ws, "insured_by_city_industry"), latest(ws, "employment_model")]
    found = {}
    for cell, (low, high) in ranges(tables, DIMS, MEASURE).items():
        span = math.floor(high + 1e-6) - math.ceil(low - 1e-6)
        if span < 1 or (high <= 9 and span < WIDTH):
            found[cell] = (low, high)
    return found


def test_a_product_built_in_a_later_run_gives_nothing_away_beside_the_first(ws):
    second = ws.sluice("build", "policies", "--product", "employment_model")
    assert second.returncode == 0, second.stdout + second.stderr
    assert exposed(ws) == {}


def test_the_ledger_lists_both_and_a_rebuild_supersedes_the_first(ws):
    again = ws.sluice(
        "build",
        "policies",
        "--product",
        "insured_by_city_industry",
        "--product",
        "employment_model",
    )
    assert again.returncode == 0, again.stdout + again.stderr
    shown = ws.sluice("ledger", "show", "social_insurance", "--all")
    assert shown.returncode == 0, shown.stderr
    assert "employment_model" in shown.stdout and "insured_by_city_industry" in shown.stdout
    assert exposed(ws) == {}


def test_an_unknown_resource_is_a_clear_error(ws):
    shown = ws.sluice("ledger", "show", "no_such_resource")
    assert shown.returncode != 0
    assert "no live releases of 'no_such_resource'" in shown.stdout + shown.stderr
    assert "Traceback" not in shown.stdout + shown.stderr
