"""Composing the annual disclosure from a domain's tables: which authorizations were in force in
the year, what an authorization that states no address or contact shows, and how objections
and feedback are counted per product and month."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from governance.audit import SCHEMA as AUDIT
from governance.authorization.models import Authorization
from governance.authorization.store import SCHEMA as AUTHORIZATIONS
from governance.disclosure.compose import compose
from governance.disclosure.models import NOT_PROVIDED
from governance.disclosure.usage import monthly_usage
from governance.errors import GovernanceError
from governance.registry.store import SCHEMA as REGISTRY
from governance.state import SCHEMA as STATE

BASE = {
    "sluice_authorization": 1, "title": "授权", "mode": "whole", "purposes": ["industry"],
    "granting_body": {"name": "某市数据局", "uscc": "11330000MB19574618"},
    "operator": {"id": "ops", "name": "某运营公司", "uscc": "91330106MA2H3K8Q02"},
    "resources": [{"resource": "people"}], "products": ["model"],
    "security_duties": ["原始数据不出域"],
}  # fmt: skip


OBJECTIONS = """
CREATE TABLE objections (objection_id TEXT PRIMARY KEY, filed_at TIMESTAMP, filer_kind TEXT,
    resource_id TEXT, product_id TEXT NULL, status TEXT, due DATE, resolved_at TIMESTAMP NULL);
CREATE TABLE objection_products (objection_id TEXT, product_id TEXT, version INTEGER,
    suspended BOOLEAN);
CREATE TABLE feedback (feedback_id TEXT PRIMARY KEY, filed_at TIMESTAMP, product_id TEXT,
    version INTEGER, status TEXT);
"""
"""The objection and feedback tables as the disclosure reads them."""


def domain(*held: tuple[str, str, str, str | None]) -> duckdb.DuckDBPyConnection:
    """An in-memory domain holding authorizations (id, valid_from, valid_until, ended_at)."""
    con = duckdb.connect()
    con.execute(AUTHORIZATIONS + STATE + REGISTRY + AUDIT)
    for auth_id, start, until, ended in held:
        document = Authorization.model_validate(
            {**BASE, "id": auth_id, "term": {"valid_from": start, "valid_until": until}}
        ).model_dump_json()
        con.execute(
            "INSERT INTO authorizations VALUES (?, ?, 'ops', ?, '', '', ?, ?, ?)",
            [auth_id, "revoked" if ended else "active", document, dt.datetime(2024, 1, 1),
             ended, "breach" if ended else None],
        )  # fmt: skip
    return con


def disclosed(con: duckdb.DuckDBPyConnection, year: int = 2025):
    return compose(con, year, dt.date(year, 12, 31), facts={}, checkpoint=None, generated_at="")


def test_in_force_on_any_day_of_the_year_revoked_ones_included():
    con = domain(
        ("A-ended-before", "2023-01-01", "2026-12-31", "2024-12-31 10:00"),
        ("B-revoked-in-year", "2023-01-01", "2026-12-31", "2025-03-02 10:00"),
        ("C-starts-on-last-day", "2025-12-31", "2027-12-31", None),
        ("D-expired-in-year", "2024-01-01", "2025-01-01", None),
        ("E-starts-next-year", "2026-01-01", "2027-12-31", None),
    )
    document = disclosed(con)
    shown = {a.id: (a.status, a.ended_at, a.end_reason) for a in document.authorizations}
    assert shown == {
        "B-revoked-in-year": ("revoked", dt.date(2025, 3, 2), "breach"),
        "C-starts-on-last-day": ("active", None, None),
        "D-expired-in-year": ("active", None, None),
    }


def test_a_party_without_address_or_contact_shows_not_provided():
    document = disclosed(domain(("A", "2025-01-01", "2025-12-31", None)))
    body = document.bodies[0]
    assert (body.address, body.office, body.phone, body.email) == (NOT_PROVIDED,) * 4
    assert document.operators[0].terms == ["2025-01-01 to 2025-12-31"]


def test_a_year_with_nothing_in_force_is_refused():
    with pytest.raises(GovernanceError, match="no authorization was in force in 2024"):
        disclosed(domain(("A", "2025-01-01", "2025-12-31", None)), 2024)


def test_objections_and_feedback_per_product_and_month():
    con = duckdb.connect()
    con.execute(OBJECTIONS + AUDIT)
    rows = [  # filed, product named, status, due, resolved
        ("o1", "2025-01-05", "p", "upheld", "2025-01-20", "2025-02-03"),
        ("o2", "2025-01-10", None, "rejected", "2025-01-25", "2025-01-12"),  # via products
        ("o3", "2025-01-28", "p", "open", "2025-02-10", None),  # overdue from February
        ("o4", "2025-01-28", "q", "open", "2025-02-10", None),  # another product
    ]
    for oid, filed, product, status, due, resolved in rows:
        con.execute("INSERT INTO objections VALUES (?, ?, 'data_subject', 'r', ?, ?, ?, ?)",
                    [oid, filed, product, status, due, resolved])  # fmt: skip
    con.execute("INSERT INTO objection_products VALUES ('o2', 'p', 1, true), ('o1', 'p', 1, true)")
    con.execute("INSERT INTO feedback VALUES ('f1', '2025-02-14', 'p', 1, 'open')")
    usage = monthly_usage(con, ["p"], dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    counted = {
        u.period: (u.objections_received, u.objections_upheld, u.objections_rejected,
                   u.objections_open, u.objections_overdue, u.feedback_received)
        for u in usage
    }  # fmt: skip
    assert counted == {
        "2025-01": (3, 0, 1, 2, 1, 0),  # o1 open past its due on 31 January
        "2025-02": (0, 1, 0, 1, 1, 1),
        "2025-03": (0, 0, 0, 1, 1, 0),
    }


def test_usage_is_zero_where_the_domain_keeps_no_objections():
    con = duckdb.connect()
    con.execute(AUDIT)
    (row,) = monthly_usage(con, ["p"], dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert (row.period, row.objections_received, row.feedback_received, row.builds) == (
        "2025-05", 0, 0, 0)  # fmt: skip


def test_the_document_round_trips_through_json():
    document = disclosed(domain(("A", "2025-01-01", "2025-12-31", None)))
    again = type(document).model_validate(json.loads(document.model_dump_json()))
    assert again == document


def published(con: duckdb.DuckDBPyConnection, seq: int, action: str, product: str, at: str):
    """An audit record of a publication or a withdrawal (chain fields left empty)."""
    con.execute(
        "INSERT INTO audit_log (seq, occurred_at, actor, action, subject, inputs, outputs, "
        "counts, result, prev_hash, hash) VALUES (?, ?, 'x', ?, ?, '[]', ?, '{}', 'ok', '', '')",
        [seq, at, action, product, '[{"version": 1}]'],
    )


def test_a_product_is_listed_with_its_status_at_the_end_of_the_year():
    con = domain(("A", "2024-01-01", "2025-12-31", None))
    con.execute(OBJECTIONS)
    for product in ("live", "suspended", "withdrawn", "gone"):
        con.execute(
            "INSERT INTO products VALUES (?, 'people', 'model', ?, 'authorized', 'industry', "
            "'A', 1, now())",
            [product, product],
        )
    published(con, 1, "publish", "gone", "2024-06-01")
    published(con, 2, "withdraw", "gone", "2024-12-01")  # withdrawn before the year
    published(con, 3, "publish", "live", "2025-03-01")
    published(con, 4, "publish", "suspended", "2025-03-01")
    published(con, 5, "publish", "withdrawn", "2025-03-01")
    published(con, 6, "withdraw", "withdrawn", "2025-06-01")
    con.execute(
        "INSERT INTO objections VALUES ('o1', '2025-11-01', 'data_subject', 'people', NULL, "
        "'open', '2025-11-20', NULL); INSERT INTO objection_products VALUES "
        "('o1', 'suspended', 1, true)"
    )
    document = disclosed(con)
    assert {p.product: p.status for p in document.products} == {
        "live": "live", "suspended": "suspended", "withdrawn": "withdrawn"
    }  # fmt: skip
    december = [u for u in document.usage if u.period == "2025-12"]
    assert {u.product: u.objections_overdue for u in december} == {
        "live": 0, "suspended": 1, "withdrawn": 0
    }  # fmt: skip
