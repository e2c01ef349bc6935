"""Objections (异议) and quality feedback through the CLI: filing suspends exactly the affected
live products, a rejection restores them unchanged, an upheld correction rebuilds them without
the corrected value, deadlines count working days, and bad input records nothing."""

from __future__ import annotations

import hashlib
import json
import re

import duckdb
import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

OPERATOR = "zj_data_ops"
KEY = "统一社会信用代码"
BUILT = ("enterprises_by_district", "enterprise_verification", "hotline_by_district_month")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    """1,000 rows a resource, three products built: two of the enterprise registry and one
    of another resource."""
    return make_workspace(tmp_path_factory, 1000, *[a for p in BUILT for a in ("--product", p)])


@pytest.fixture(scope="module")
def registry(ws: Workspace) -> pl.DataFrame:
    return pl.read_csv(ws.home / "raw" / "enterprise_registry.csv", infer_schema=False)


@pytest.fixture(scope="module")
def moved(ws: Workspace, registry: pl.DataFrame) -> dict[str, str]:
    """An active enterprise whose move from 存续 to 在业 keeps both cells of its district
    published (five or more on each side)."""
    v1 = published_cells(ws, "enterprises_by_district", 1)
    for row in registry.filter(pl.col("登记状态") == "存续").iter_rows(named=True):
        d = row["所属区划"]
        if v1.get((d, "存续"), 0) >= 7 and v1.get((d, "在业"), 0) >= 5:
            return row
    raise AssertionError("no district with both cells published")


def published_cells(ws: Workspace, product: str, version: int) -> dict[tuple[str, str], int]:
    data = pl.read_parquet(ws.published / product / f"v{version}" / "data.parquet")
    return {
        (r["district"], r["status"]): r["enterprises"]
        for r in data.iter_rows(named=True)
        if r["enterprises"] is not None
    }


def catalog(ws: Workspace) -> set[str]:
    return set(pl.read_parquet(ws.published / "catalog.parquet")["product"])


def manifest(ws: Workspace, product: str, version: int) -> dict:
    return json.loads((ws.published / product / f"v{version}" / "manifest.json").read_text())


def filed_id(result) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return re.search(r"objection (OBJ-\d{8}-\d{3}) filed", result.stdout).group(1)


def affected(result) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+) v\d+: (suspended|affected)$", result.stdout, re.M))


def verify(ws: Workspace, tmp_path, rows: list[tuple[str, str]]):
    claims = tmp_path / "claims.csv"
    lines = [f"C{i},active_with_representative,{k},{name}" for i, (k, name) in enumerate(rows)]
    claims.write_text("request_id,claim,identifier,representative\n" + "\n".join(lines) + "\n")
    out = tmp_path / "answers.csv"
    result = ws.sluice(
        "verify", "--product", "enterprise_verification", "--requests", str(claims),
        "--operator", OPERATOR, "--out", str(out),
    )  # fmt: skip
    return result, (pl.read_csv(out)["status"].to_list() if result.returncode == 0 else None)


def record_objection(ws: Workspace, key: str, column: str, value: str, *extra: str):
    return ws.sluice(
        "objection", "file", "--filer-kind", "data_subject", "--resource",
        "enterprise_registry", "--key", f"{KEY}={key}", "--column", f"{column}={value}",
        "--claim", "the registry holds a wrong value", *extra,
    )  # fmt: skip


def test_a_record_objection_suspends_exactly_the_products_drawing_on_its_column(
    ws: Workspace, registry: pl.DataFrame, moved: dict[str, str], tmp_path
):
    person = registry.filter(pl.col("登记状态").is_in(["存续", "在业"])).row(0, named=True)
    before, answers = verify(ws, tmp_path, [(person[KEY], person["法定代表人"])])
    assert answers == ["match"], before.stderr

    names = record_objection(ws, person[KEY], "法定代表人", "欧阳明远", "--suspend")
    assert affected(names) == {"enterprise_verification": "suspended"}
    assert catalog(ws) == {"enterprises_by_district", "hotline_by_district_month"}
    held = manifest(ws, "enterprise_verification", 1)["suspended"]
    assert held["objection"] == filed_id(names)
    assert not (ws.published / "enterprise_verification" / "v1" / "data.parquet").exists()
    assert (ws.home / "suspended" / "enterprise_verification" / "v1" / "data.parquet").is_file()
    refused, _ = verify(ws, tmp_path, [(person[KEY], person["法定代表人"])])
    assert refused.returncode == 3 and "suspended" in refused.stderr

    status = record_objection(ws, moved[KEY], "登记状态", "在业", "--suspend")
    assert affected(status) == {
        "enterprise_verification": "suspended", "enterprises_by_district": "suspended",
    }  # fmt: skip
    assert catalog(ws) == {"hotline_by_district_month"}  # another resource's product stays
    ws.person, ws.names_id, ws.status_id = person, filed_id(names), filed_id(status)  # type: ignore[attr-defined]


def test_a_rejection_restores_the_suspended_products_unchanged(ws: Workspace):
    sha = manifest(ws, "enterprises_by_district", 1)["data"]["sha256"]
    no_reason = ws.sluice("objection", "resolve", ws.status_id, "--reject")  # type: ignore[attr-defined]
    assert no_reason.returncode == 2 and "needs its reason" in no_reason.stderr

    result = ws.sluice(
        "objection",
        "resolve",
        ws.status_id,
        "--reject",
        "--reason",
        "the register is right",  # type: ignore[attr-defined]
    )
    assert result.returncode == 0, result.stderr
    data = ws.published / "enterprises_by_district" / "v1" / "data.parquet"
    assert hashlib.sha256(data.read_bytes()).hexdigest() == sha
    assert "suspended" not in manifest(ws, "enterprises_by_district", 1)
    assert "enterprises_by_district" in catalog(ws)
    # the other open objection still holds the verification product
    assert manifest(ws, "enterprise_verification", 1)["suspended"]["objection"] == ws.names_id  # type: ignore[attr-defined]
    assert "enterprise_verification" not in catalog(ws)

    again = ws.sluice("objection", "resolve", ws.status_id, "--reject", "--reason", "x")  # type: ignore[attr-defined]
    assert again.returncode == 2 and "already rejected" in again.stderr


def test_an_upheld_correction_rebuilds_the_product_without_the_corrected_value(
    ws: Workspace, tmp_path
):
    person = ws.person  # type: ignore[attr-defined]
    raw = (ws.home / "raw" / "enterprise_registry.csv").read_bytes()
    result = ws.sluice("objection", "resolve", ws.names_id, "--uphold")  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stdout + result.stderr
    assert (ws.home / "raw" / "enterprise_registry.csv").read_bytes() == raw  # as delivered
    assert sorted(p.name for p in (ws.published / "enterprise_verification").iterdir()) == [
        "v1", "v2",
    ]  # fmt: skip
    assert sorted(p.name for p in (ws.published / "enterprises_by_district").iterdir()) == ["v1"]
    assert "enterprise_verification" in catalog(ws)
    assert manifest(ws, "enterprise_verification", 1)["suspended"]  # superseded, kept inside
    doctor = ws.sluice("doctor", "--check-only")  # a suspended version's data is not missing
    assert doctor.returncode == 0 and "healthy" in doctor.stdout, doctor.stdout + doctor.stderr
    _, answers = verify(
        ws, tmp_path, [(person[KEY], person["法定代表人"]), (person[KEY], "欧阳明远")]
    )
    assert answers == ["no_match", "match"]

    events = registration_events(ws)
    assert events[-1] == ("changed", 2, f"correction under objection {ws.names_id}")  # type: ignore[attr-defined]
    again = ws.sluice("register", "policies")  # the correction is the registered content
    assert again.returncode == 0, again.stderr
    assert re.search(r"enterprise_registry .* 2 .* unchanged", again.stdout)


def registration_events(ws: Workspace) -> list[tuple]:
    with duckdb.connect(str(ws.home / "state.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT event, version, reason FROM registration_events "
            "WHERE resource_id = 'enterprise_registry' ORDER BY seq"
        ).fetchall()


def test_an_upheld_status_correction_moves_the_cell_count_by_one(
    ws: Workspace, moved: dict[str, str]
):
    before = published_cells(ws, "enterprises_by_district", 1)
    filed = record_objection(ws, moved[KEY], "登记状态", "注销", "--suspend")
    assert set(affected(filed)) == {"enterprises_by_district", "enterprise_verification"}
    result = ws.sluice(
        "objection", "resolve", filed_id(filed), "--uphold", "--correct", "登记状态=在业"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    after = published_cells(ws, "enterprises_by_district", 2)
    district = moved["所属区划"]
    assert after[(district, "存续")] == before[(district, "存续")] - 1
    assert after[(district, "在业")] == before[(district, "在业")] + 1


def test_deadlines_count_working_days_only(ws: Workspace):
    filed = ws.sluice(
        "objection", "file", "--filer-kind", "operator", "--product", "hotline_by_district_month",
        "--version", "1", "--measure", "tickets", "--claim", "too few",
        *cell_of(ws, "hotline_by_district_month"),
    )  # fmt: skip
    objection = filed_id(filed)
    assert "due 2026-07-22" in filed.stdout  # 15 working days from Wednesday 1 July
    nineteen_days_later = ws.sluice("objection", "list", "--overdue", SLUICE_TODAY="2026-07-20")
    assert objection not in nineteen_days_later.stdout  # 13 working days: 3 weekends skipped
    late = ws.sluice("objection", "list", "--overdue", SLUICE_TODAY="2026-07-23")
    assert objection in late.stdout and "overdue" in late.stdout
    shown = ws.sluice("objection", "show", objection)
    assert "status: open" in shown.stdout


def cell_of(ws: Workspace, product: str) -> list[str]:
    m = manifest(ws, product, 1)
    dims = [d if isinstance(d, str) else d["as"] for d in m["parameters"]["dimensions"]]
    data = pl.read_parquet(ws.published / product / "v1" / "data.parquet")
    row = data.filter(pl.col("suppressed").not_()).row(0, named=True)
    return [a for d in dims for a in ("--cell", f"{d}={row[d]}")]


BAD = [
    (("objection", "file", "--filer-kind", "department", "--resource", "nope", "--key", "a=b",
      "--column", "c=d", "--claim", "x"), "unknown resource 'nope' (registered resources: "),
    (("objection", "file", "--filer-kind", "department", "--resource", "enterprise_registry",
      "--key", f"{KEY}=X", "--column", "颜色=红", "--claim", "x"), "has no column 颜色 (columns:"),
    (("objection", "file", "--filer-kind", "department", "--resource", "enterprise_registry",
      "--key", f"{KEY}=000000000000000000", "--column", "登记状态=注销", "--claim", "x"),
     "no record of resource 'enterprise_registry' has the 统一社会信用代码 given"),
    (("objection", "file", "--filer-kind", "operator", "--product", "nope", "--version", "1",
      "--cell", "a=b", "--measure", "m", "--claim", "x"), "product 'nope' is not published"),
    (("objection", "file", "--filer-kind", "operator", "--product", "hotline_by_district_month",
      "--version", "1", "--cell", "colour=red", "--measure", "tickets", "--claim", "x"),
     "has no dimension colour (dimensions: district, month, category)"),
    (("objection", "file", "--filer-kind", "operator", "--product", "hotline_by_district_month",
      "--version", "1", "--cell", "district=999999", "--measure", "tickets", "--claim", "x"),
     "hotline_by_district_month v1 has no cell at district=999999"),
    (("objection", "resolve", "OBJ-20990101-001", "--reject", "--reason", "x"),
     "no objection 'OBJ-20990101-001'"),
    (("feedback", "add", "--product", "nope", "--version", "1", "--problem", "x"),
     "product 'nope' is not published (published: "),
    (("feedback", "add", "--product", "enterprises_by_district", "--version", "7", "--problem",
      "x"), "enterprises_by_district v7 is not published"),
]  # fmt: skip
FILES = [
    ("product: enterprises_by_district\nversion: 1\ncells:\n  - {district: '330102'\n"
     "problem: x\n", "bad.yaml:5: not valid YAML"),
    ("product: enterprises_by_district\nversion: one\nproblem: x\n",
     "bad.yaml:2: version: Input should be a valid integer"),
    ("product: enterprises_by_district\nversion: 1\nproblem: x\nseverity: high\n",
     "bad.yaml:4: unknown key 'severity'"),
    ('{"product": "enterprises_by_district", "version": 1}', "missing required key 'problem'"),
]  # fmt: skip


def snapshot(ws: Workspace) -> tuple:
    files = sorted(p for p in ws.published.rglob("*") if p.is_file())
    published = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    lists = [ws.sluice(*c).stdout for c in (("objection", "list"), ("feedback", "list"))]
    audit = ws.sluice("audit", "show").stdout
    return published, lists, audit


def test_bad_input_is_a_clear_error_and_records_nothing(ws: Workspace, tmp_path):
    before = snapshot(ws)
    for args, message in BAD:
        result = ws.sluice(*args)
        assert result.returncode == 2, (args, result.stdout)
        assert message in result.stderr, (message, result.stderr)
        assert "Traceback" not in result.stderr
    for text, message in FILES:
        path = tmp_path / "bad.yaml"
        path.write_text(text, "utf-8")
        result = ws.sluice("feedback", "add", str(path))
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    after = snapshot(ws)
    changed = {k for k in before[0].keys() | after[0].keys() if before[0].get(k) != after[0].get(k)}
    assert changed == set()
    assert after[1:] == before[1:]


def test_feedback_is_recorded_and_listed(ws: Workspace, tmp_path):
    path = tmp_path / "feedback.yaml"
    path.write_text(
        "product: enterprises_by_district\nversion: 1\nfiler_kind: operator\n"
        "cells:\n  - {district: '330102', status: 存续}\nproblem: 数量比登记簿多一户\n"
        "evidence: 区县登记簿\n",
        "utf-8",
    )
    result = ws.sluice("feedback", "add", str(path))
    assert result.returncode == 0, result.stderr
    assert "received for enterprises_by_district v1 (1 cell(s), 0 record(s))" in result.stdout
    listed = ws.sluice("feedback", "list")
    assert "数量比登记簿多一户" in listed.stdout and "operator" in listed.stdout
