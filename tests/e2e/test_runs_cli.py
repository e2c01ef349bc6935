"""How a build runs and reports: in-process without a server, or as a flow run that a real
Prefect server records (tasks named by resource and product, INFO logs, one Markdown
artifact per product), publishing the same bytes either way; and a delivery that changed
since its registration is registered anew before the build reads it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Workspace, make_workspace
from tests.prefect_api import api_url

PRODUCT = "insured_by_city_age"
RESOURCE = "social_insurance"
KEYS = {"default": "44" * 32}


@pytest.fixture(scope="module")
def server() -> str:
    url = api_url()
    if not url:
        pytest.skip("no Prefect server could start here")
    return url


@pytest.fixture(scope="module")
def on_server(tmp_path_factory, server) -> Workspace:
    return make_workspace(tmp_path_factory, 600, "--product", PRODUCT, keys=KEYS,
                          env={"PREFECT_API_URL": server})  # fmt: skip


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory, 600, "--product", PRODUCT, keys=KEYS)


def data(ws: Workspace, version: int = 1) -> bytes:
    return (ws.published / PRODUCT / f"v{version}" / "data.parquet").read_bytes()


def test_in_process_and_server_builds_publish_the_same_bytes(on_server, in_process):
    assert data(on_server) == data(in_process)


def api(url: str, path: str, body: dict) -> list[dict]:
    answer = httpx.post(f"{url}/{path}", json=body, timeout=30)
    answer.raise_for_status()
    return answer.json()


def the_flow_run(url: str) -> dict:
    runs = api(url, "flow_runs/filter", {"flows": {"name": {"any_": ["sluice-build"]}},
                                         "sort": "START_TIME_DESC", "limit": 1})  # fmt: skip
    assert runs, "the build left no flow run on the server"
    return runs[0]


def test_the_server_shows_tasks_by_resource_and_product(on_server, server):
    run = the_flow_run(server)
    assert run["state_type"] == "COMPLETED"
    tasks = api(server, "task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
    names = {t["name"] for t in tasks}
    assert {f"ingest {RESOURCE}", f"validate {RESOURCE}", f"de-identify {RESOURCE}"} <= names
    assert {f"build {PRODUCT}", f"gate {PRODUCT}", f"publish {PRODUCT}"} <= names
    assert all(t["state_type"] == "COMPLETED" for t in tasks)


def test_a_successful_run_sends_its_logs_and_a_report_per_product(on_server, server):
    run = the_flow_run(server)
    logs = api(server, "logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
    messages = [entry["message"] for entry in logs]
    assert any(m.startswith(f"{PRODUCT}: version 1 published") for m in messages), messages
    assert any(m.startswith(f"{RESOURCE}: ") and "quarantined" in m for m in messages)
    key = "product-" + PRODUCT.replace("_", "-")
    artifacts = api(server, "artifacts/filter", {"artifacts": {"key": {"any_": [key]}}})
    assert artifacts and artifacts[0]["type"] == "markdown"
    body = artifacts[0]["data"]
    assert "| status | published |" in body and "| suppressed |" in body
    assert "- min_group_size" in body


def test_a_changed_delivery_is_registered_anew_before_the_build(in_process):
    source = in_process.home / "raw" / f"{RESOURCE}.csv"
    lines = source.read_bytes().splitlines(keepends=True)  # as delivered (GBK)
    Path(source).write_bytes(b"".join(lines[:-20]))  # the department sent fewer rows
    build = in_process.sluice("build", "policies", "--product", PRODUCT)
    assert build.returncode == 0, build.stdout + build.stderr
    assert f"{RESOURCE}: its delivery changed since registration" in build.stderr
    history = in_process.sluice("registry", "history", RESOURCE)
    assert "changed" in history.stdout and f"{len(lines) - 1}→{len(lines) - 21}" in history.stdout
    again = in_process.sluice("build", "policies", "--product", PRODUCT)
    assert "changed since registration" not in again.stderr  # recorded once, not at every build
