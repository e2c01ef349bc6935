"""`sluice serve` on a real Prefect server it starts itself: the demo's deployments registered
with their schedules, listed by `sluice deployments`, a run triggered through the API that
publishes into the domain, a run that finds the domain busy failing with a message saying so,
and Ctrl-C stopping it all with exit code 0."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from flows.services.prefect_server import RECORD
from governance.lock import held
from tests.conftest import POLICIES
from tests.e2e.conftest import AUTHORIZATION, SLUICE, TODAY, Workspace

pytestmark = pytest.mark.slow
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

NAMES = {
    "enterprise_registry", "hospital_visits", "hotline_tickets", "social_insurance",
    "regional_vitality",
}  # fmt: skip
WAIT = 180.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A workspace and the `sluice serve` process serving it, its stderr in a file."""

    def __init__(self, ws: Workspace, process: subprocess.Popen[str], port: int, log: Path):
        self.ws, self.process, self.port, self.log = ws, process, port, log
        self.api = f"http://127.0.0.1:{port}/api"

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Send `sig`; the exit code and what it wrote to stderr from then on."""
        start = self.log.stat().st_size
        self.process.send_signal(sig)
        self.process.wait(timeout=60)
        with self.log.open(encoding="utf-8") as log:
            log.seek(start)
            return self.process.returncode, log.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(POLICIES, root / "policies")
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("PREFECT_API_URL", "PREFECT_HOME")
    }  # fmt: skip
    env |= {
        "SLUICE_HOME": str(root / "domain"), "SLUICE_PUBLISH_DIR": str(root / "published"),
        "SLUICE_TODAY": TODAY, "SLUICE_ACTOR": "e2e", "SLUICE_LOCK_TIMEOUT": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_HOME": str(root / "prefect"),  # no profile of the machine's names a server
    }  # fmt: skip
    ws = Workspace(root, env)
    for args in (
        ("sample", "--out", str(ws.home / "raw"), "--rows", "1000"),
        ("register", "policies"),
        ("authorization", "add", str(AUTHORIZATION)),
    ):
        done = ws.sluice(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    port, log = _free_port(), root / "serve.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(SLUICE), "serve", "policies", "--port", str(port), "--no-ui"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        )  # fmt: skip
    serving = Served(ws, process, port, log)
    try:
        _wait_for_deployments(serving)
        yield serving
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)


def _wait_for_deployments(serving: Served) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if serving.process.poll() is not None:
            pytest.fail(f"sluice serve stopped: {serving.log.read_text()}")
        if (serving.ws.home / RECORD).exists() and _deployed(serving.api) >= NAMES:
            return
        time.sleep(1)
    pytest.fail("the deployments were not registered in time")


def _post(api: str, path: str, body: dict) -> object:
    """The Prefect REST API, called plainly (no event loop: the test process may hold one)."""
    answer = httpx.post(f"{api}/{path}", json=body, timeout=30)
    answer.raise_for_status()
    return answer.json()


def _deployed(api: str) -> set[str]:
    try:
        found = _post(api, "deployments/filter", {})
    except httpx.HTTPError:  # not up yet
        return set()
    return {d["name"] for d in found}  # type: ignore[attr-defined]


def _run(api: str, deployment: str) -> tuple[str, str]:
    """Trigger `deployment` through the API, wait for its end; its final state and its log."""
    target = httpx.get(f"{api}/deployments/name/sluice-build/{deployment}", timeout=30).json()
    flow_run = _post(api, f"deployments/{target['id']}/create_flow_run", {})
    run_id = flow_run["id"]  # type: ignore[index]
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        flow_run = httpx.get(f"{api}/flow_runs/{run_id}", timeout=30).json()
        if flow_run.get("state_type") in FINAL:
            break
        time.sleep(1)
    time.sleep(2)  # the run's last log lines reach the server in batches
    logs = _post(api, "logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}})
    state = (flow_run.get("state") or {}).get("name", "none")
    return state, "\n".join(entry["message"] for entry in logs)  # type: ignore[union-attr]


def _listed(served: Served) -> dict[str, str]:
    """`sluice deployments`, line by deployment, once the scheduler has planned next runs."""
    deadline = time.monotonic() + WAIT
    while True:
        listing = served.ws.sluice("deployments")
        assert listing.returncode == 0, listing.stderr
        rows = [line for line in listing.stdout.splitlines() if "│" in line]
        lines = {line.split("│")[1].strip(): line for line in rows}
        if all("CST" in lines.get(n, "") for n in NAMES) or time.monotonic() > deadline:
            return lines
        time.sleep(1)


def test_serve_registers_one_deployment_per_resource_and_index(served):
    lines = _listed(served)
    assert set(lines) >= NAMES
    assert "cron 0 2 * * 1 (Asia/Shanghai)" in lines["hospital_visits"]
    assert "cron 0 2 1 * * (Asia/Shanghai)" in lines["social_insurance"]
    assert "cron 0 2 * * * (Asia/Shanghai)" in lines["regional_vitality"]
    # the server's scheduler has planned their next runs, at 02:00 China time
    weekly = re.search(r"(\d{4}-\d\d-\d\d) 02:00 CST", lines["hospital_visits"])
    assert weekly and dt.date.fromisoformat(weekly.group(1)).isoweekday() == 1  # a Monday
    monthly = re.search(r"(\d{4}-\d\d-\d\d) 02:00 CST", lines["social_insurance"])
    assert monthly and monthly.group(1).endswith("-01")


def test_a_run_that_finds_the_domain_busy_fails_saying_so(served):
    with held(served.ws.home / "writer.lock", timeout=5, what="sluice build (by hand)"):
        state, log = _run(served.api, "hotline_tickets")
    assert state == "Failed"
    assert "sluice build (by hand)" in log and "try again when it ends" in log
    assert "Traceback" not in log and "Traceback" not in served.log.read_text()
    assert not (served.ws.published / "hotline_by_district_month").exists()


def test_a_triggered_run_publishes_into_the_domain(served):
    state, log = _run(served.api, "hospital_visits")
    assert state == "Completed", log
    manifests = list((served.ws.published / "visits_by_city_quarter").glob("*/manifest.json"))
    assert len(manifests) == 1
    listing = served.ws.sluice("deployments")
    (line,) = [x for x in listing.stdout.splitlines() if "│ hospital_visits" in x]
    assert "Completed" in line


def test_deployments_without_a_server_says_what_to_do(served, tmp_path):
    dead = f"http://127.0.0.1:{_free_port()}/api"
    listing = served.ws.sluice("deployments", PREFECT_API_URL=dead)
    assert listing.returncode == 2
    assert f"error: the Prefect API at {dead} (from PREFECT_API_URL) does not answer" in (
        listing.stderr
    )
    elsewhere = served.ws.sluice("deployments", SLUICE_HOME=str(tmp_path / "other"))
    assert elsewhere.returncode == 2 and "start one with `sluice serve`" in elsewhere.stderr


def test_a_second_serve_of_the_domain_is_refused(served):
    second = served.ws.sluice("serve", "policies", "--port", str(_free_port()))
    assert second.returncode == 2
    assert "`sluice serve` already runs for the domain" in second.stderr
    assert f"API {served.api}" in second.stderr


def test_ctrl_c_stops_serving_and_its_server(served):
    code, stderr = served.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr and stderr.endswith("sluice serve stopped\n"), stderr
    assert not (served.ws.home / RECORD).exists()
    with socket.socket() as probe:  # the server it started is gone with it
        assert probe.connect_ex(("127.0.0.1", served.port)) != 0
