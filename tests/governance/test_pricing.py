"""Pricing rules and statements on a small state built directly: units against caps, billing
periods, metered charges (checked with the test's own SQL) and revenue above the cap carried
forward (checked by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from flows.kinds import KINDS
from governance.authorization.scope import Use, refusal
from governance.authorization.store import AuthorizationStore, Held
from governance.duck import transaction
from governance.errors import GovernanceError
from governance.pricing import metering
from governance.pricing.carry import carry_forward
from governance.pricing.metering import Delivery, Tariff
from governance.pricing.period import Period
from governance.pricing.statement import statement
from tests.governance import test_authorization

OPERATOR = "zj_data_ops"
TODAY = dt.date(2026, 7, 1)
SAMPLE = test_authorization.SAMPLE
sample = test_authorization.held
"""The sample authorization as held (a fixture)."""
ID = "identity_verification"


def use(**changes) -> Use:
    base = {
        "product": "identity_verification", "kind": "verification", "purpose": "industry",
        "scenario": "credit_review", "columns": {"social_insurance": ["sfzh", "xm"]},
        "price": 0.3, "unit": "per_call", "policy": "social_insurance.yaml",
    }  # fmt: skip
    return Use(**{**base, **changes})


def test_a_price_in_its_caps_unit_and_under_it_is_covered(sample: Held) -> None:
    assert refusal(sample, sample.id, use(), TODAY) is None
    assert refusal(sample, sample.id, use(price=0.5), TODAY) is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"unit": "per_volume"}, ["identity_verification", "social_insurance.yaml", "priced "
                                  "per_volume", "its cap is per_call"]),
        ({"price": 0.51}, ["identity_verification", "price 0.51", "above the cap 0.5"]),
        ({"product": "new_service"}, ["no price cap is set for product 'new_service'"]),
        ({"purpose": "public_welfare", "scenario": "regional_assessment"}, ["free"]),
    ],
)  # fmt: skip
def test_a_price_the_cap_does_not_allow_is_refused(
    sample: Held, changes: dict, words: list[str]
) -> None:
    found = refusal(sample, sample.id, use(**changes), TODAY)
    assert found is not None and found.clause == "price_caps"
    for word in words:
        assert word in found.message


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_periods_are_read_as_written(written: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(written)
    assert (period.start, period.end, str(period)) == (start, end, written)


@pytest.mark.parametrize("written", ["2026-Q5", "2026-13", "26-Q1", "Q1-2026", "2026Q1", ""])
def test_a_malformed_period_is_refused(written: str) -> None:
    with pytest.raises(GovernanceError, match="YYYY-QN"):
        Period.parse(written)


def test_an_excess_larger_than_a_period_carries_on_by_hand() -> None:
    # cap 100 a quarter; Q1 takes 300: 200 above. Q2's cap is wholly used up by 100 of it and
    # takes nothing; the other 100 goes on to Q3, whose cap is then 0: its 15 is above it too.
    # Q4 starts with 15 carried: cap 85, takes 6, carries nothing.
    caps = carry_forward(100, [("Q1", 300), ("Q2", 0), ("Q3", 15), ("Q4", 6)])
    assert [(c.deducted, c.effective, c.excess, c.carried) for c in caps] == [
        (0, 100, 200, 200),
        (100, 0, 0, 100),
        (100, 0, 15, 15),
        (15, 85, 0, 0),
    ]


# a small state: the sample authorization with a 100 yuan quarterly cap, and deliveries


def tariff(unit: str | None, price: float, cap: float | None = None) -> Tariff:
    return Tariff(unit, price, cap, unit if cap is not None else None)


DELIVERIES = [
    # day, product, purpose, what, quantity, tariff
    ("2026-01-05", ID, "industry", "version", 2, tariff("per_call", 0.3, 0.5)),
    ("2026-01-10", ID, "industry", "claims", 600, tariff("per_call", 0.3, 0.5)),
    ("2026-03-31", ID, "industry", "claims", 400, tariff("per_call", 0.3, 0.5)),
    ("2026-02-01", "employment_model", "industry", "version", 5000, tariff("per_period", 40, 50)),
    ("2026-02-02", "district_rows", "industry", "version", 12345, tariff("per_volume", 2, 3)),
    ("2026-02-03", "annual_report", "industry", "version", 10, tariff("per_product", 7.5, 8)),
    ("2026-03-01", "annual_report", "industry", "version", 10, tariff("per_product", 7.5, 8)),
    ("2026-02-04", "regional_vitality", "public_welfare", "version", 4, tariff(None, 0)),
    ("2026-05-01", ID, "industry", "claims", 100, tariff("per_call", 0.3, 0.5)),
    ("2026-05-02", ID, "industry", "claims", 100, tariff("per_call", 0.45, 0.5)),
    ("2026-08-01", ID, "industry", "claims", 10, tariff("per_call", 0.3, 0.5)),
]  # fmt: skip


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pricing") / "state.duckdb"
    loaded = KINDS.load_authorization(SAMPLE)
    auth = loaded.authorization
    capped = auth.model_copy(update={"revenue_cap": auth.revenue_cap.model_copy(
        update={"amount": 100.0})})  # fmt: skip
    AuthorizationStore(path).add(capped, loaded.sha256, str(SAMPLE), dt.datetime(2026, 1, 1))
    with transaction(path, metering.SCHEMA) as con:
        for seq, (day, product, purpose, what, quantity, t) in enumerate(DELIVERIES, 1):
            delivery = Delivery(OPERATOR, auth.id, product, 1, purpose, what, quantity, t)
            at = dt.datetime.fromisoformat(day) + dt.timedelta(hours=9)
            metering.record_on(con, delivery, seq, at)
    return path


def own_charges(path: Path, start: str, end: str) -> float:
    """The test's own reading of a quarter's charges from the metering rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        (total,) = con.execute(
            """
            WITH q AS (SELECT * FROM deliveries WHERE day BETWEEN ? AND ?),
            periods AS (SELECT DISTINCT product_id, arg_max(unit_price, delivered_at) AS price
                        FROM deliveries WHERE unit = 'per_period' AND what = 'version'
                        AND day <= ? GROUP BY product_id)
            SELECT
              coalesce((SELECT sum(round(n * unit_price, 2)) FROM (SELECT unit_price,
                        sum(quantity) AS n FROM q WHERE unit = 'per_call' AND what = 'claims'
                        GROUP BY unit_price)), 0)
            + coalesce((SELECT sum(round(quantity / 1000 * unit_price, 2)) FROM q
                        WHERE unit = 'per_volume'), 0)
            + coalesce((SELECT sum(unit_price) FROM q WHERE unit = 'per_product'), 0)
            + coalesce((SELECT sum(price) FROM periods), 0)
            """,
            [start, end, end],
        ).fetchone()
    finally:
        con.close()
    return round(float(total), 2)


def test_charges_are_metered_units_at_their_recorded_price(state: Path) -> None:
    q1 = statement(state, OPERATOR, "2026-Q1")
    (account,) = q1.accounts
    by_product = {(line.product, line.unit_price): line for line in account.lines}
    assert by_product[("identity_verification", 0.3)].metered == 1000  # claims, not the version
    assert by_product[("identity_verification", 0.3)].charge == 300.0
    assert by_product[("employment_model", 40.0)].charge == 40.0  # one period
    assert by_product[("district_rows", 2.0)].metered == pytest.approx(12.345)
    assert by_product[("district_rows", 2.0)].charge == 24.69
    assert by_product[("annual_report", 7.5)].metered == 2
    free = by_product[("regional_vitality", 0.0)]
    assert (free.unit, free.charge, free.measure) == (None, 0.0, "versions")
    assert all(line.cap is None or line.unit_price <= line.cap for line in account.lines)
    assert account.total == own_charges(state, "2026-01-01", "2026-03-31") == 379.69


def test_the_carry_forward_follows_the_charges(state: Path) -> None:
    totals = {}
    for quarter, (start, end) in {
        "2026-Q1": ("2026-01-01", "2026-03-31"), "2026-Q2": ("2026-04-01", "2026-06-30"),
        "2026-Q3": ("2026-07-01", "2026-09-30"), "2026-Q4": ("2026-10-01", "2026-12-31"),
    }.items():  # fmt: skip
        (account,) = statement(state, OPERATOR, quarter).accounts
        assert account.total == own_charges(state, start, end)
        totals[quarter] = account
    # Q1 379.69 against 100: 279.69 carried. Q2: 30 + 45 of calls and the model's period 40
    # (still live) = 115 against a cap of 0: 100 of the carried absorbed, 179.69 + 115 on.
    q1, q2, q3 = totals["2026-Q1"].cap, totals["2026-Q2"].cap, totals["2026-Q3"].cap
    assert (q1.effective, q1.carried) == (100.0, 279.69)
    assert totals["2026-Q2"].total == 115.0
    assert (q2.deducted, q2.effective, q2.carried) == (100.0, 0.0, 294.69)
    assert totals["2026-Q3"].total == 43.0
    assert (q3.deducted, q3.effective, q3.carried) == (100.0, 0.0, 237.69)


@pytest.mark.parametrize(
    ("operator", "period", "words"),
    [
        ("nobody", "2026-Q1", "unknown operator 'nobody'"),
        (OPERATOR, "2026-Q9", "not a billing period"),
        (OPERATOR, "2025-Q4", "no authorization of operator 'zj_data_ops' is in force in 2025-Q4"),
        (OPERATOR, "2028-Q1", "is in force in 2028-Q1"),
        (OPERATOR, "2026-03", "bills operator 'zj_data_ops' by the quarter: write the period as "
                              "YYYY-QN"),
        (OPERATOR, "2026", "by the quarter"),
    ],
)  # fmt: skip
def test_a_statement_that_cannot_be_made_says_why(
    state: Path, operator: str, period: str, words: str
) -> None:
    with pytest.raises(GovernanceError, match=words.replace("(", r"\(")):
        statement(state, operator, period)
