"""Products of different resources build side by side on threads. An attacker hopes a product
was judged while its neighbour of the same resource was still being built, so that the two
tables it reads were never protected together. Through the real command line, one build of
two social_insurance tables beside a hospital and a hotline table, four at a time: the attacker
holds both social_insurance tables and solves a linear programme of their own over every
total. It pins no hidden cell and leaves every cell below the minimum a range of at least the
protection width. The same products built one at a time come out byte for byte the same, and
the audit chain holds one entry per key created."""

from __future__ import annotations

import math

import duckdb
import polars as pl
import pytest

from tests.attacks.lp_attacker import ranges
from tests.e2e.conftest import make_workspace

PRODUCTS = ("insured_by_city_industry", "employment_model", "visits_by_city_quarter",
            "hotline_by_district_month")  # fmt: skip
DIMS = ("year", "city", "industry")
MEASURE = "insured_people"
WIDTH = 4  # the default protection width for a minimum group size of 10


def only() -> list[str]:
    return [arg for p in PRODUCTS for arg in ("--product", p)]


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory):
    env = {"SLUICE_CONCURRENCY": "4"}
    return make_workspace(tmp_path_factory, 10_000, *only(), env=env)


@pytest.fixture(scope="module")
def one_at_a_time(tmp_path_factory):
    env = {"SLUICE_CONCURRENCY": "1"}
    return make_workspace(tmp_path_factory, 10_000, *only(), env=env)


def table(ws, product: str) -> pl.DataFrame:
    return pl.read_parquet(ws.published / product / "v1" / "data.parquet")


def test_the_tables_of_one_resource_built_beside_others_pin_no_hidden_cell(side_by_side):
    tables = [table(side_by_side, "insured_by_city_industry"),
              table(side_by_side, "employment_model")]  # fmt: skip
    assert any(t["suppressed"].any() for t in tables)  # there is something to attack
    exposed = {}
    for cell, (low, high) in ranges(tables, DIMS, MEASURE).items():
        span = math.floor(high + 1e-6) - math.ceil(low - 1e-6)
        if span < 1 or (high <= 9 and span < WIDTH):
            exposed[cell] = (low, high)
    assert exposed == {}


def test_side_by_side_publishes_what_one_at_a_time_publishes(side_by_side, one_at_a_time):
    for product in PRODUCTS:
        assert table(side_by_side, product).equals(table(one_at_a_time, product)), product


def test_each_key_is_created_once_and_the_audit_chain_is_whole(side_by_side):
    with duckdb.connect(str(side_by_side.home / "state.duckdb"), read_only=True) as con:
        created = con.execute(
            "SELECT subject, count(*) FROM audit_log WHERE action = 'key_create' GROUP BY 1"
        ).fetchall()
        chain = con.execute("SELECT prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
    assert created and all(n == 1 for _, n in created)
    assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
    check = side_by_side.sluice("audit", "verify")
    assert check.returncode == 0, check.stdout + check.stderr
