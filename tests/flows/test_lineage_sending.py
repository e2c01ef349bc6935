"""Where lineage events go: the domain's file always; the endpoint configured the OpenLineage
way too, with a short timeout, and nothing else (no console) when none is configured."""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
from openlineage.client.transport.composite import CompositeTransport
from openlineage.client.transport.file import FileTransport

from flows.services.lineage_events.endpoint import PAUSE, Endpoint, EndpointConfig
from flows.services.lineage_events.products import reason
from flows.services.lineage_events.run import LineageRun
from flows.services.lineage_events.sending import client, configured
from flows.settings import Paths
from transforms.egress import EgressRefused
from transforms.gate_check import Check


@pytest.fixture
def paths(tmp_path, monkeypatch) -> Paths:
    """A domain, and no OpenLineage configuration from this machine."""
    for name in ("OPENLINEAGE_URL", "OPENLINEAGE_CONFIG", "OPENLINEAGE_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return Paths(tmp_path / "domain", tmp_path / "published")


def test_without_configuration_events_go_to_the_domain_file_only(paths):
    assert configured() is None
    assert isinstance(client(paths).transport, FileTransport)
    run = LineageRun(paths, "product.p", "PRODUCT_BUILD", [])
    run.complete()
    run.fail("too late")  # a run ends once
    lines = (paths.home / "lineage" / "events.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["eventType"] for line in lines] == ["START", "COMPLETE"]


def test_openlineage_url_adds_an_http_endpoint_with_a_short_timeout(paths, monkeypatch):
    monkeypatch.setenv("OPENLINEAGE_URL", "http://marquez:5000")
    monkeypatch.setenv("OPENLINEAGE_API_KEY", "k")
    found = configured()
    assert found is not None
    assert (found["type"], found["url"], found["endpoint"]) == (
        "http",
        "http://marquez:5000",
        "api/v1/lineage",
    )
    assert found["timeout"] == 2.0 and found["auth"] == {"type": "api_key", "apiKey": "k"}
    assert isinstance(client(paths).transport, CompositeTransport)


def test_an_openlineage_file_is_read_as_its_client_reads_it(paths, monkeypatch, tmp_path):
    config = tmp_path / "lineage.yml"
    config.write_text("transport:\n  type: http\n  url: http://datahub:8080\n  timeout: 9\n")
    monkeypatch.setenv("OPENLINEAGE_CONFIG", str(config))
    assert configured() == {
        "type": "http",
        "url": "http://datahub:8080",
        "timeout": 9,
        "retry": configured()["retry"],
    }
    monkeypatch.setenv("OPENLINEAGE_DISABLED", "true")
    assert configured() is None
    assert isinstance(client(paths).transport, FileTransport)  # the domain's copy stays


def test_a_gate_refusal_is_reported_by_the_checks_that_failed_not_their_words():
    quoted = Check("pii_scan", False, {"findings": 1}, "CN_MOBILE in column 'x' (139****5678)")
    refused = EgressRefused([Check("min_group_size", True), quoted])
    said = reason(refused, declared=None)  # type: ignore[arg-type]
    assert said.startswith("egress gate refused: pii_scan")
    assert "139" not in said and "min_group_size" not in said


def test_a_plan_refusal_is_given_without_paths_or_file_names():
    policy = SimpleNamespace(policy=SimpleNamespace(resource=SimpleNamespace(source="raw/si.csv")))
    declared = SimpleNamespace(path=Path("/srv/p/si.yaml"), policies={"social_insurance": policy})
    message = "resource social_insurance: /srv/domain/raw/si.csv changed; si.csv was registered"
    said = reason(message, declared)  # type: ignore[arg-type]
    assert said == "resource social_insurance: <path> changed; <file> was registered"


REFUSED = r"Connection refused|Max retries"


def test_an_endpoint_that_failed_is_left_alone_for_a_minute_then_tried_again():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()  # nothing listens there now: a connection is refused at once
    sender = Endpoint(EndpointConfig({"type": "http", "url": url, "retry": {"total": 0}}))
    event = RunEvent(eventTime="2026-07-01T00:00:00+00:00", run=Run(str(uuid.uuid4())),
                     job=Job("sluice", "product.p"), eventType=RunState.START)  # fmt: skip
    with pytest.raises(Exception, match=REFUSED):
        sender.emit(event)
    with pytest.raises(RuntimeError, match="not tried"):
        sender.emit(event)
    Endpoint.failed[sender.key] -= PAUSE
    with pytest.raises(Exception, match=REFUSED):
        sender.emit(event)
