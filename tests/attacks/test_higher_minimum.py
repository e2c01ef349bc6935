"""A table product with totals rebuilt with a higher minimum group size on the same data. v1
published every cell; v2 must hide a cell v1 published (10 people, below the new 11), and its
own secondary suppression hides a complement beside it that v1 published too. Hiding that
complement protects nothing beside v1, but showing it would leave the small cell alone in its
total, so that v2 by itself gives it away and its own gate refuses it. v2 keeps the
complement hidden and is published; an attacker holding only v2 pins no hidden cell.

The resource is made by hand so every count is known: residents by district and sex, with
the total over districts for each sex."""

from __future__ import annotations

import polars as pl
import pytest

from tests.attacks.lp_attacker import ranges
from tests.e2e.conftest import Workspace
from tests.residents import PRODUCT, policy, workspace

COUNTS = {
    ("330102", "男"): 10, ("330105", "男"): 12, ("330106", "男"): 30, ("330108", "男"): 40,
    ("330102", "女"): 25, ("330105", "女"): 26, ("330106", "女"): 27, ("330108", "女"): 28,
}  # fmt: skip


def version(ws: Workspace, n: int) -> pl.DataFrame:
    return pl.read_parquet(ws.published / PRODUCT / f"v{n}" / "data.parquet")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    ws = workspace(tmp_path_factory, COUNTS, "minimum")
    for minimum in (10, 11):
        (ws.policies / "residents.yaml").write_text(policy(minimum, ["district"]), "utf-8")
        for step in (("register", "policies"), ("build", "policies")):
            done = ws.sluice(*step)
            assert done.returncode == 0, done.stdout + done.stderr
    return ws


def test_the_first_version_published_every_cell(ws):
    assert not version(ws, 1)["suppressed"].any()


def test_the_higher_minimum_is_published_hiding_the_small_cell_and_a_complement(ws):
    v2 = version(ws, 2)
    hidden = v2.filter(pl.col("suppressed") & pl.col("margin").is_null())
    assert set(hidden.select("district", "sex").rows()) == {("330102", "男"), ("330105", "男")}


def test_an_attacker_holding_only_the_new_version_pins_no_hidden_cell(ws):
    found = ranges([version(ws, 2)], ["district", "sex"], "residents")
    assert found and all(high - low >= 1 for low, high in found.values()), found
