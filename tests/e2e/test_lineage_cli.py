"""Lineage as an operator running Marquez or DataHub receives it: OPENLINEAGE_URL names a local
endpoint, and a small domain builds two products, has one refused, rebuilds nothing, answers
a verification batch while the endpoint hangs, and withdraws an authorization's products.
Every event is also in the domain's own file."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from typing import Any

import pytest

from governance.registry import RegistryStore, is_valid_code
from tests.e2e.conftest import Workspace, make_workspace
from tests.lineage_receiver import Receiver, silent_endpoint

BUILT = ("insured_by_city_age", "identity_verification")
REFUSED = "diagnoses_for_insurers"
EVENTS_FILE = ("lineage", "events.jsonl")


@pytest.fixture(scope="module")
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="module")
def ws(tmp_path_factory, receiver) -> Workspace:
    """The domain, with the events that arrived in each stage in `ws.stages`, and the
    verification batch answered while the endpoint hung in `ws.hung`."""
    stages: dict[str, list[dict[str, Any]]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENLINEAGE_URL", receiver.url)
        args = [a for p in BUILT for a in ("--product", p)]
        ws = make_workspace(tmp_path_factory, 1000, *args)
    stages["build"] = list(receiver.events)
    for stage, args, code in (
        ("refused", ("build", "policies/examples/out_of_scope.yaml"), 3),
        ("up_to_date", ("build", "policies", "--product", BUILT[0]), 0),
    ):
        before = len(receiver.events)
        done = ws.sluice(*args)
        assert done.returncode == code, done.stdout + done.stderr
        stages[stage] = receiver.events[before:]
    ws.hung = _verify_while_hung(ws, receiver)  # type: ignore[attr-defined]
    before = len(receiver.events)
    done = ws.sluice("authorization", "revoke", "AUTH-2026-001", "--reason", "ended")
    assert done.returncode == 0, done.stdout + done.stderr
    stages["withdrawn"] = receiver.events[before:]
    ws.stages = stages  # type: ignore[attr-defined]
    return ws


def _verify_while_hung(ws: Workspace, receiver: Receiver) -> dict[str, Any]:
    """A verification batch answered while the endpoint accepts and never answers."""
    socket, url = silent_endpoint()
    claims = ws.home / "raw" / "claims" / "identity_verification.csv"
    before, lines = len(receiver.events), len(_file_events(ws))
    started = time.monotonic()
    answered = ws.sluice("verify", "--product", BUILT[1], "--operator", "zj_data_ops",
                         "--requests", str(claims), "--out", str(ws.root / "answers.csv"),
                         OPENLINEAGE_URL=url)  # fmt: skip
    took = time.monotonic() - started
    socket.close()
    return {"run": answered, "seconds": took, "received": receiver.events[before:],
            "written": _file_events(ws)[lines:]}  # fmt: skip


def _file_events(ws: Workspace) -> list[dict[str, Any]]:
    text = ws.home.joinpath(*EVENTS_FILE).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _runs(events: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Event types by job name, in order, each job's events in one run."""
    found: dict[str, list[str]] = {}
    ids: dict[str, set[str]] = {}
    for e in events:
        found.setdefault(e["job"]["name"], []).append(e["eventType"])
        ids.setdefault(e["job"]["name"], set()).add(e["run"]["runId"])
    assert all(len(i) == 1 for i in ids.values()), ids
    return found


def _complete(events: list[dict[str, Any]], job: str) -> dict[str, Any]:
    return next(e for e in events if e["job"]["name"] == job and e["eventType"] == "COMPLETE")


def test_each_product_built_starts_and_completes_with_its_published_version(ws, receiver):
    built = ws.stages["build"]
    assert _runs(built) == {f"product.{p}": ["START", "COMPLETE"] for p in BUILT}
    assert set(receiver.paths) == {"/api/v1/lineage"}
    for product in BUILT:
        (output,) = _complete(built, f"product.{product}")["outputs"]
        assert (output["namespace"], output["name"]) == (ws.published.as_uri(), f"{product}/v1")
        manifest = json.loads((ws.published / product / "v1" / "manifest.json").read_text())
        fields = output["facets"]["schema"]["fields"]
        assert [(f["name"], f["type"]) for f in fields] == [
            (c["name"], c["type"]) for c in manifest["schema"]
        ]
        assert output["outputFacets"]["outputStatistics"]["rowCount"] == manifest["rows"]


def test_a_refused_product_fails_with_the_reason_and_no_output(ws):
    refused = ws.stages["refused"]
    assert _runs(refused) == {f"product.{REFUSED}": ["START", "FAIL"]}
    failed = refused[-1]
    message = failed["run"]["facets"]["errorMessage"]["message"]
    assert "authorized.within-scope" in message and "'hospital_visits' is not covered" in message
    assert failed["outputs"] == []


def test_resources_are_named_by_their_registration_code(ws):
    codes = {r.resource_id: r.code for r in RegistryStore(ws.home / "state.duckdb").registrations()}
    events = ws.stages["build"] + ws.stages["refused"]
    named = {(i["namespace"], i["name"]) for e in events for i in e["inputs"]}
    assert named == {
        ("sluice://registry", codes["social_insurance"]),
        ("sluice://registry", codes["hospital_visits"]),
    }
    assert all(is_valid_code(name) for _, name in named)


def test_each_published_column_names_the_input_columns_it_comes_from(ws):
    code = RegistryStore(ws.home / "state.duckdb").get("social_insurance").code
    (output,) = _complete(ws.stages["build"], "product.insured_by_city_age")["outputs"]
    lineage = output["facets"]["columnLineage"]
    drawn = {
        column: [(f["namespace"], f["name"], f["field"]) for f in spec["inputFields"]]
        for column, spec in lineage["fields"].items()
    }
    assert drawn["age_band"] == [("sluice://registry", code, "csrq")]
    assert drawn["city"] == [("sluice://registry", code, "xzqh")]
    assert {t["type"] for f in lineage["dataset"] for t in f["transformations"]} == {"INDIRECT"}


def test_a_product_up_to_date_sends_nothing(ws):
    assert ws.stages["up_to_date"] == []


def test_a_withdrawal_drops_the_versions_it_takes_back(ws):
    withdrawn = ws.stages["withdrawn"]
    assert _runs(withdrawn) == {"withdrawal.AUTH-2026-001": ["START", "COMPLETE"]}
    outputs = {o["name"]: o["facets"] for o in withdrawn[-1]["outputs"]}
    assert "identity_verification/v1" in outputs
    assert {f["lifecycleStateChange"]["lifecycleStateChange"] for f in outputs.values()} == {"DROP"}


def test_a_hung_endpoint_costs_one_short_timeout_and_the_file_keeps_the_events(ws):
    hung = ws.hung
    assert hung["run"].returncode == 0, hung["run"].stdout + hung["run"].stderr
    assert hung["received"] == []
    job = f"verification.{BUILT[1]}"
    assert _runs(hung["written"]) == {job: ["START", "COMPLETE"]}
    claims = int(hung["run"].stdout.split(" claims answered")[0].split()[-1])
    (answers,) = hung["written"][-1]["outputs"]
    assert answers["outputFacets"]["outputStatistics"]["rowCount"] == claims
    inputs = {i["name"] for i in hung["written"][0]["inputs"]}
    assert f"{BUILT[1]}/v1" in inputs
    assert hung["seconds"] < 15, hung["seconds"]  # one 2 s timeout, not one per event


def test_the_domain_file_holds_every_event_sent_and_those_the_endpoint_missed(ws, receiver):
    sent = [(e["run"]["runId"], e["eventType"]) for e in receiver.events]
    kept = [(e["run"]["runId"], e["eventType"]) for e in _file_events(ws)]
    missed = [(e["run"]["runId"], e["eventType"]) for e in ws.hung["written"]]
    assert [k for k in kept if k not in missed] == sent
    assert len(missed) == 2


def test_every_event_carries_what_openlineage_requires(ws, receiver):
    for event in receiver.events + _file_events(ws):
        _check_run_event(event)


def _check_run_event(event: dict[str, Any]) -> None:
    """The required fields of OpenLineage's RunEvent (spec 2-0-2), which openlineage-python
    does not ship as a JSON schema, and those of every facet."""
    assert event["schemaURL"].startswith("https://openlineage.io/spec/2-0-2/OpenLineage.json")
    assert event["eventType"] in ("START", "COMPLETE", "FAIL")
    assert dt.datetime.fromisoformat(event["eventTime"]).tzinfo is not None
    assert re.fullmatch(r"urn:sluice:\S+", event["producer"])
    uuid.UUID(event["run"]["runId"])
    assert event["job"]["namespace"] == "sluice" and event["job"]["name"]
    facets = [*event["run"]["facets"].values(), *event["job"]["facets"].values()]
    for dataset in event["inputs"] + event["outputs"]:
        assert dataset["namespace"] and dataset["name"]
        facets += [*dataset.get("facets", {}).values(), *dataset.get("outputFacets", {}).values()]
    for facet in facets:
        assert facet["_producer"] and facet["_schemaURL"].startswith("https://openlineage.io/")
