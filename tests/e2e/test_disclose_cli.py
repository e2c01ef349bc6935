"""`sluice disclose`: the annual disclosure of a small built domain, checked against the state's
own tables through DuckDB (not through the code under test), in its three forms: the JSON
document against its schema, the Parquet tables read back, and the page in a real Chromium."""

from __future__ import annotations

import hashlib
import json

import duckdb
import jsonschema
import pytest

from tests.e2e.conftest import Workspace, make_workspace

PRODUCTS = ("identity_verification", "insured_dp_by_city", "hotline_by_district_month")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    """1,000 rows a resource; two authorized products and one open one built, a batch of
    claims answered, and the disclosure of 2026 written."""
    args = [a for p in PRODUCTS for a in ("--product", p)]
    ws = make_workspace(tmp_path_factory, 1000, *args)
    claims = ws.home / "raw" / "claims" / "identity_verification.csv"
    answered = ws.sluice("verify", "--product", "identity_verification", "--operator",
                         "zj_data_ops", "--requests", str(claims), "--out",
                         str(ws.root / "answers.csv"))  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    done = ws.sluice("disclose", "--year", "2026", "--out", "disclosure")
    assert done.returncode == 0, done.stdout + done.stderr
    ws.disclosed = done  # type: ignore[attr-defined]
    return ws


@pytest.fixture(scope="module")
def document(ws) -> dict:
    return json.loads((ws.root / "disclosure" / "disclosure-2026.json").read_text("utf-8"))


def state(ws: Workspace, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(ws.home / "state.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_authorizations_and_their_resources_are_those_held(ws, document):
    held = state(ws, "SELECT authorization_id, operator_id, status, document FROM authorizations")
    assert [(a["id"], a["operator"], a["status"]) for a in document["authorizations"]] == [
        (i, o, s) for i, o, s, _ in held
    ]
    granted = json.loads(held[0][3])
    codes = dict(state(ws, "SELECT resource_id, code || '@' || version FROM registrations"))
    expected = [(r["resource"], codes[r["resource"]]) for r in granted["resources"]]
    shown = [(r["resource"], f"{r['registration_code']}@{r['registration_version']}")
             for r in document["resources"]]  # fmt: skip
    assert shown == expected
    body = document["bodies"][0]
    assert (body["name"], body["uscc"], body["address"]) == (
        granted["granting_body"]["name"], granted["granting_body"]["uscc"],
        granted["granting_body"]["address"],
    )  # fmt: skip
    operator = document["operators"][0]
    assert (operator["uscc"], operator["phone"], operator["authorizations"]) == (
        granted["operator"]["uscc"], granted["operator"]["contact"]["phone"], [held[0][0]]
    )  # fmt: skip
    caps = {(c["product"], c["cap"], c["unit"]) for c in document["price_caps"]}
    assert caps == {(c["product"], c["cap"], c["unit"]) for c in granted["price_caps"]} | {
        (None, granted["revenue_cap"]["amount"], granted["revenue_cap"]["period"])
    }


def test_the_capability_list_is_the_authorized_products_published(ws, document):
    expected = state(
        ws,
        "SELECT product_id, purpose, code || '/' || product_id || '/v' || newest FROM ("
        "SELECT p.product_id, p.purpose, r.code, "
        "max(CAST(json_extract(a.outputs, '$[0].version') AS INTEGER)) AS newest "
        "FROM products p JOIN registrations r ON r.resource_id = p.resource_id "
        "JOIN audit_log a ON a.subject = p.product_id AND a.action = 'publish' "
        "WHERE p.authorization_id IS NOT NULL GROUP BY ALL) ORDER BY 1",
    )
    shown = [(p["product"], p["scenario_type"], p["confirmation_number"])
             for p in document["products"]]  # fmt: skip
    assert shown == expected
    assert PRODUCTS[2] not in {p["product"] for p in document["products"]}
    verification = next(p for p in document["products"] if p["product"] == PRODUCTS[0])
    assert verification["delivery"] == "verification_service"
    assert (verification["price"], verification["price_unit"]) == (0.3, "per_call")
    assert verification["scenario"].startswith("credit_review: ")


def test_the_usage_is_what_the_log_and_the_ledger_count(ws, document):
    calls = state(ws, "SELECT product_id, strftime(day, '%Y-%m'), sum(claims) "
                      "FROM verification_usage GROUP BY ALL")  # fmt: skip
    published = state(ws, "SELECT subject, strftime(occurred_at, '%Y-%m'), count(*) FROM "
                          "audit_log WHERE action = 'publish' AND subject IN "
                          "(SELECT product_id FROM products WHERE authorization_id IS NOT NULL) "
                          "GROUP BY ALL")  # fmt: skip
    usage = document["usage"]
    assert {(u["product"], u["period"], u["verification_calls"]) for u in usage
            if u["verification_calls"]} == {(p, m, int(n)) for p, m, n in calls}  # fmt: skip
    assert {(u["product"], u["period"], u["versions_published"]) for u in usage
            if u["versions_published"]} == {(p, m, n) for p, m, n in published}  # fmt: skip
    months = {u["period"] for u in usage}
    assert months == {f"2026-{m:02d}" for m in range(1, 8)}  # January to SLUICE_TODAY's July
    assert len(usage) == len(months) * len(document["products"])
    assert all(u["objections_received"] == 0 for u in usage)  # the domain keeps none yet


def test_the_audit_head_is_the_one_before_the_disclosure_record(ws, document):
    text = (ws.root / "disclosure" / "disclosure-2026.json").read_bytes()
    (seq, counts), *_ = state(ws, "SELECT seq, counts FROM audit_log WHERE action = 'disclose'")
    assert json.loads(counts)["sha256"] == hashlib.sha256(text).hexdigest()
    before = state(ws, "SELECT seq, hash, digest FROM audit_log WHERE seq = ?", [seq - 1])[0]
    head = document["audit"]
    assert (head["seq"], head["hash"], head["digest"]) == before
    lines = (ws.published / "audit-checkpoints").read_text("utf-8").splitlines()
    assert head["checkpoint"] in [json.loads(line) for line in lines]
    checked = ws.sluice("audit", "verify", "--checkpoints", str(ws.published / "audit-checkpoints"),
                        "--public-key", str(ws.published / "audit-public-key.pem"))  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_declared_public_contacts_are_the_only_exemptions(ws, document):
    granted = json.loads(state(ws, "SELECT document FROM authorizations")[0][0])
    declared = {
        (p["name"], f, v)
        for p in (granted["granting_body"], granted["operator"])
        for f, v in [("uscc", p["uscc"]), *((k, p["contact"][k]) for k in ("phone", "email"))]
    }
    shown = {(e["organisation"], e["field"], e["value"]) for e in document["exemptions"]}
    assert shown == declared


def test_the_document_validates_against_its_schema(ws, document):
    schema = json.loads((ws.root / "disclosure" / "disclosure.schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    broken = {**document, "products": [{**document["products"][0], "scenario_type": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_tables_read_back_in_duckdb(ws, document):
    folder = ws.root / "disclosure"
    con = duckdb.connect()
    for section in ("bodies", "authorizations", "resources", "operators", "price_caps",
                    "products", "usage", "exemptions"):  # fmt: skip
        count = con.execute(f"SELECT count(*) FROM '{folder / section}.parquet'").fetchone()
        assert count == (len(document[section]),), section
    calls = con.execute(
        f"SELECT sum(verification_calls) FROM '{folder}/usage.parquet' WHERE product = ?",
        [PRODUCTS[0]],
    ).fetchone()
    assert calls == (sum(n for _, _, _, n in state(ws, "SELECT * FROM verification_usage")),)
    seq = con.execute(f"SELECT seq, checkpoint_seq FROM '{folder}/audit.parquet'").fetchone()
    assert seq == (document["audit"]["seq"], document["audit"]["checkpoint"]["seq"])


def test_one_form_only(ws, tmp_path):
    done = ws.sluice("disclose", "--year", "2026", "--out", str(tmp_path / "d"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "disclosure-2026.json", "disclosure.schema.json"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--year", "20x6"], "is not a year"),
        (["--year", "2031"], "is in the future"),
        (["--year", "2025"], "no authorization was in force in 2025"),
        (["--year", "2026", "--format", "pdf"], "unknown form"),
        (["--year", "2026", "--out", "domain/disclosure"], "inside the data domain"),
        (["--year", "2026", "--out", "published/disclosure"], "inside the published area"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(ws, args, said):
    records = state(ws, "SELECT count(*) FROM audit_log")
    if "--out" not in args:
        args = [*args, "--out", "refused"]
    done = ws.sluice("disclose", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    target = ws.root / args[args.index("--out") + 1]
    assert not target.exists()
    assert state(ws, "SELECT count(*) FROM audit_log") == records


SECTIONS = {"bodies": "实施机构", "authorizations": "授权情况", "resources": "授权内容",
            "operators": "运营机构", "price-caps": "价格上限", "products": "产品和服务能力清单",
            "usage": "资源使用情况与异议处理"}  # fmt: skip


@pytest.fixture
def page(ws, open_page):
    return open_page(ws.root / "disclosure" / "disclosure-2026.html")


def test_the_page_shows_every_section_and_row(page, document):
    for anchor, heading in SECTIONS.items():
        shown = page.locator(f"section#{anchor} h2")
        assert shown.is_visible() and shown.inner_text() == heading
    for anchor, section in (("bodies", "bodies"), ("authorizations", "authorizations"),
                            ("resources", "resources"), ("operators", "operators"),
                            ("price-caps", "price_caps"), ("products", "products"),
                            ("usage", "usage"), ("exemptions", "exemptions")):  # fmt: skip
        rows = page.locator(f"section#{anchor} tbody tr").count()
        assert rows == len(document[section]), anchor
    labels = page.eval_on_selector_all("th", "cells => cells.map(c => c.innerText)")
    expected = "统一社会信用代码 授权对象 运营模式 授权范围 授权期限 退出机制 登记确认号 价格上限 "
    expected += "交付方式 场景类型 应用场景 实际价格"
    assert set(expected.split()) <= set(labels)
    assert "依场景授权" in page.locator("section#authorizations").inner_text()
    assert page.problems == []


def test_the_page_prints_without_cutting_tables(page):
    page.emulate_media(media="print")
    widths = page.eval_on_selector_all(
        "table", "ts => ts.map(t => [t.scrollWidth, t.parentElement.clientWidth])"
    )
    assert all(table <= room for table, room in widths), widths
    breaks = page.eval_on_selector_all(
        "section", "ss => ss.slice(1).map(s => getComputedStyle(s).breakBefore)"
    )
    assert set(breaks) == {"page"}
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert page.problems == []
