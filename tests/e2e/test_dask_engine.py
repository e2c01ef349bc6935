"""`sluice build --engine dask`: the same products as the local engine, from resources split
into three partitions on a LocalCluster of two workers, as a flow run on a Prefect server
(partitions as task runs on prefect-dask's DaskTaskRunner); the same quarantine, line for
line. tests/flows/test_partitioned_prepare.py runs the partitions on a Client directly."""

from __future__ import annotations

import csv

import httpx
import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace
from tests.prefect_api import api_url

PRODUCTS = (
    "insured_by_city_age",  # CSV with malformed rows; median and rounded mean
    "employment_model",  # totals (margins), sums
    "visits_by_city_quarter",  # Parquet; rounded mean and median of a float column
    "insured_microdata",  # the anonymisation search, over the merged partitions
    "identity_verification",  # keyed on the validated rows before de-identification
)
KEYS = {"default": "55" * 32, "verification-identity_verification": "66" * 32}
DASK = {"SLUICE_DASK_PARTITIONS": "3", "SLUICE_DASK_WORKERS": "2"}
ROWS = 1500


def only(*products: str) -> list[str]:
    return [arg for p in products for arg in ("--product", p)]


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory, ROWS, *only(*PRODUCTS), keys=KEYS)


@pytest.fixture(scope="module")
def dask(tmp_path_factory) -> tuple[Workspace, str]:
    url = api_url()
    if not url:
        pytest.skip("no Prefect server could start here")
    env = {**DASK, "PREFECT_API_URL": url}
    args = (*only(*PRODUCTS), "--engine", "dask")
    return make_workspace(tmp_path_factory, ROWS, *args, keys=KEYS, env=env), url


def published(ws: Workspace, product: str) -> pl.DataFrame:
    return pl.read_parquet(ws.published / product / "v1" / "data.parquet")


def same_product(a: Workspace, b: Workspace, product: str) -> None:
    """The same rows, suppression and values to the last bit, float sums and means too (the
    partitions' exact integer parts add up to the whole's; docs/scaling.md)."""
    left, right = published(a, product), published(b, product)
    assert left.schema == right.schema and left.height == right.height, product
    assert left.equals(right), product


@pytest.mark.parametrize("product", PRODUCTS)
def test_dask_engine_publishes_what_the_local_engine_publishes(local, dask, product):
    same_product(local, dask[0], product)


def quarantined(ws: Workspace) -> pl.DataFrame:
    (found,) = (ws.home / "quarantine" / "social_insurance").glob("*.parquet")
    return pl.read_parquet(found)


def test_malformed_rows_are_quarantined_on_the_same_lines_with_the_same_reasons(local, dask):
    assert quarantined(dask[0]).equals(quarantined(local))
    with (local.home / "raw" / "_truth" / "defects.csv").open() as handle:
        truth = sorted(int(r["line"]) for r in csv.DictReader(handle))
    assert quarantined(dask[0])["line"].to_list() == truth


def test_partitions_run_as_task_runs_on_the_server(dask):
    url = dask[1]
    body = {"task_runs": {"name": {"like_": "prepare social_insurance"}}, "limit": 50}
    runs = httpx.post(f"{url}/task_runs/filter", json=body, timeout=30).json()
    names = {r["name"] for r in runs if r["state_type"] == "COMPLETED"}
    assert {f"prepare social_insurance {i}" for i in range(3)} <= names


def test_an_unknown_engine_is_named_without_a_traceback(local):
    done = local.sluice("build", "policies", *only(PRODUCTS[0]), "--engine", "spark")
    assert done.returncode == 2
    assert "engine 'spark'" in done.stderr and "Traceback" not in done.stderr
