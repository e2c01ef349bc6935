"""An adversary who runs the lineage endpoint (or reads the domain's lineage file) looks in
every OpenLineage event for anything from inside the data domain: the raw values of the
resources (ID numbers, mobiles, credit codes, names, and every other value of the raw files),
the claims of a verification batch, the domain's paths, the names of its raw and quarantine
files, and key material. The domain builds products that publish, one refused by the gate's
linked-tables audit (whose own words quote cells), one refused by its authorization, answers
a batch of claims and withdraws an authorization's products."""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb
import pytest

from tests.attacks.test_disclosure_leaks import raw_cells, secrets
from tests.e2e.conftest import Workspace, make_workspace
from tests.lineage_receiver import Receiver

PRODUCTS = ("identity_verification", "insured_by_city_industry")
RANDOM = re.compile(r'"(runId|eventTime)": "[^"]*"')
"""Run ids are random and event times are the clock's: the adversary blanks them, so a raw
value cannot match them by chance."""
VOCABULARY = re.compile(r"[a-z_]+")
"""Raw values that are lower-case words (a label naming a column, a resource or a claim type,
as the sample's ground truth and claims files hold them) are the vocabulary events use by
design, not a person's data."""


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> dict[str, Any]:
    endpoint = Receiver()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OPENLINEAGE_URL", endpoint.url)
            ws = make_workspace(
                tmp_path_factory, 1000, *(a for p in PRODUCTS for a in ("--product", p))
            )
        claims = ws.home / "raw" / "claims" / "identity_verification.csv"
        for args in (
            ("build", "policies", "--product", "employment_model"),
            ("build", "policies/examples/out_of_scope.yaml"),
            ("verify", "--product", PRODUCTS[0], "--operator", "zj_data_ops",
             "--requests", str(claims), "--out", str(ws.root / "answers.csv")),
            ("authorization", "revoke", "AUTH-2026-001", "--reason", "ended"),
        ):  # fmt: skip
            ws.sluice(*args)
    finally:
        endpoint.close()
    written = (ws.home / "lineage" / "events.jsonl").read_text("utf-8").splitlines()
    return {"ws": ws, "events": endpoint.events + [json.loads(line) for line in written]}


def what_must_stay(ws: Workspace) -> set[str]:
    """The disclosure attack's secrets, every raw value long enough to be told apart from
    an event's own words (6 characters, or 2 beyond ASCII: events carry no Chinese) but
    the vocabulary, and the names of every file inside the domain."""
    found = secrets(ws)
    for _, value in raw_cells(ws.home / "raw"):
        if VOCABULARY.fullmatch(value):
            continue
        if len(value) >= 6 or (len(value) >= 2 and not value.isascii()):
            found.add(value)
    found |= {p.name for p in ws.home.rglob("*") if p.is_file() and "." in p.name}
    return found - {"events.jsonl"}


def test_the_adversary_sees_the_work(seen):
    jobs = {(e["job"]["name"], e["eventType"]) for e in seen["events"]}
    assert ("product.identity_verification", "COMPLETE") in jobs
    assert ("product.employment_model", "FAIL") in jobs  # the gate's audit quoted its cells
    assert ("product.diagnoses_for_insurers", "FAIL") in jobs
    assert ("verification.identity_verification", "COMPLETE") in jobs
    assert ("withdrawal.AUTH-2026-001", "COMPLETE") in jobs


def test_no_event_carries_anything_from_inside_the_domain(seen):
    ws = seen["ws"]
    said = "\n".join(RANDOM.sub("", json.dumps(e, ensure_ascii=False)) for e in seen["events"])
    leaked = sorted(s for s in what_must_stay(ws) if s in said)
    assert leaked == []
    assert str(ws.home) not in said and "quarantine" not in said


def test_the_refusal_the_event_reports_did_quote_raw_values_inside(seen):
    """The linked-tables refusal, in the domain's own audit log, names cells by raw values:
    the adversary would have caught it, had the event carried its words."""
    ws = seen["ws"]
    con = duckdb.connect(str(ws.home / "state.duckdb"), read_only=True)
    sql = "SELECT detail FROM audit_log WHERE action = 'refuse' AND subject = 'employment_model'"
    (detail,) = con.execute(sql).fetchone()
    con.close()
    assert any(s in detail for s in what_must_stay(ws))
