"""`sluice statement` end to end: a workspace with the identity service built, batches verified
on two dates in two quarters, then statements that add up against the test's own reading of
the state, a page that renders in a real browser, and bad input refused with nothing written."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

OPERATOR = "zj_data_ops"
PRODUCT = "identity_verification"
DAYS = {"2026-Q3": "2026-07-02", "2026-Q4": "2026-10-05"}
QUARTERS = {"2026-Q3": ("2026-07-01", "2026-09-30"), "2026-Q4": ("2026-10-01", "2026-12-31")}


def verify(ws: Workspace, day: str) -> None:
    requests = ws.home / "raw" / "claims" / f"{PRODUCT}.csv"
    result = ws.sluice(
        "verify", "--product", PRODUCT, "--requests", str(requests), "--operator", OPERATOR,
        "--out", str(ws.root / f"answers-{day}.csv"), SLUICE_TODAY=day,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    """Q3: one batch. Q4: one batch after the published manifest was edited to a lower price
    (the price in force is the one the domain metered when the version was published)."""
    made = make_workspace(tmp_path_factory, 1000, "--product", PRODUCT)
    verify(made, DAYS["2026-Q3"])
    manifest = made.published / PRODUCT / "v1" / "manifest.json"
    edited = json.loads(manifest.read_text("utf-8"))
    edited["parameters"]["price"]["amount"] = 0.01
    manifest.write_text(json.dumps(edited, ensure_ascii=False), "utf-8")
    verify(made, DAYS["2026-Q4"])
    for period in QUARTERS:
        result = made.sluice(
            "statement", "--operator", OPERATOR, "--period", period, "--out",
            str(made.root / "statements"),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    return made


def own_reading(ws: Workspace, start: str, end: str) -> tuple[int, float, float]:
    """Claims answered, what they cost at the price metered with each, and the highest
    unit price against its cap, read from the state with the test's own SQL."""
    con = duckdb.connect(str(ws.home / "state.duckdb"), read_only=True)
    try:
        row = con.execute(
            "SELECT sum(quantity), sum(quantity * unit_price), max(unit_price - cap) "
            "FROM deliveries WHERE what = 'claims' AND day BETWEEN ? AND ?",
            [start, end],
        ).fetchone()
    finally:
        con.close()
    return int(row[0]), round(float(row[1]), 2), float(row[2])


@pytest.mark.parametrize("period", list(QUARTERS))
def test_a_statement_adds_up(ws: Workspace, period: str) -> None:
    claims, cost, over_cap = own_reading(ws, *QUARTERS[period])
    sent = pl.read_csv(ws.home / "raw" / "claims" / f"{PRODUCT}.csv").height
    assert claims == sent and over_cap <= 0
    assert cost == round(sent * 0.3, 2)  # the edited manifest's 0.01 is not what Q4 pays
    lines = pl.read_parquet(ws.root / "statements" / f"statement-{OPERATOR}-{period}.parquet")
    billed = lines.filter(pl.col("product_id") == PRODUCT)
    assert billed.select("unit", "metered", "unit_price", "charge", "price_cap").rows() == [
        ("per_call", float(sent), 0.3, cost, 0.5)
    ]
    summary = pl.read_parquet(
        ws.root / "statements" / f"statement-{OPERATOR}-{period}-summary.parquet"
    )
    assert summary.select("charges", "revenue_cap", "effective_cap", "carried").rows() == [
        (cost, 600000.0, 600000.0, 0.0)
    ]


def test_the_statement_page_renders_its_table_and_totals(ws: Workspace, open_page) -> None:
    page = open_page(ws.root / "statements" / f"statement-{OPERATOR}-2026-Q4.html")
    row = page.locator(f"tr[data-product='{PRODUCT}']")
    assert row.locator("td.charge").inner_text() == "60.00"
    assert page.locator("td.total").inner_text() == "60.00"
    assert page.locator("#grand-total").inner_text() == "60.00 元"
    text = page.locator("body").inner_text()
    for label in (
        "运营机构",
        "结算周期",
        "最高准许收入",
        "上期超收扣减",
        "本期可收上限",
        "超收结转",
    ):
        assert label in text
    assert page.problems == []


@pytest.mark.parametrize(
    ("operator", "period", "words"),
    [
        ("nobody", "2026-Q3", "unknown operator 'nobody'"),
        (OPERATOR, "2025-Q4", "no authorization of operator 'zj_data_ops' is in force"),
    ],
)
def test_a_statement_that_cannot_be_made_writes_nothing(
    ws: Workspace, tmp_path, operator: str, period: str, words: str
) -> None:
    out = tmp_path / "out"
    result = ws.sluice("statement", "--operator", operator, "--period", period, "--out", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert words in " ".join(result.stderr.split())
    assert not out.exists()


def test_a_statement_is_not_written_inside_the_domain(ws: Workspace) -> None:
    out = ws.home / "statements"
    result = ws.sluice(
        "statement", "--operator", OPERATOR, "--period", "2026-Q3", "--out", str(out)
    )
    assert result.returncode == 2 and "inside the data domain" in result.stderr
    assert not out.exists()


def test_plan_and_build_refuse_a_price_in_another_unit_alike(ws: Workspace) -> None:
    copy = ws.root / "edited"
    shutil.copytree(ws.policies, copy, dirs_exist_ok=True)
    edited = copy / "social_insurance.yaml"
    text = edited.read_text("utf-8")
    priced = "price: {amount: 0.3, unit: per_call}"
    assert priced in text
    edited.write_text(text.replace(priced, "price: {amount: 0.3, unit: per_volume}"), "utf-8")
    plan = ws.sluice("plan", str(edited))
    build = ws.sluice("build", str(edited), "--product", PRODUCT)
    assert plan.returncode != 0 and build.returncode == 3
    said = "is priced per_volume but its cap is per_call"
    plan_text, build_text = (" ".join((r.stdout + r.stderr).split()) for r in (plan, build))
    message = re.search(r"release matrix rule '[^']+': authorization [^:]+: [^;]+", plan_text)
    assert message is not None and said in message[0]
    assert message[0] in build_text
