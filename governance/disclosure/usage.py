"""Resource usage per product and calendar month (资源使用情况), counted from the domain's own
records: the audit log (builds, publications, refusals, withdrawals), the verification usage
ledger (calls), and, where the domain keeps them, objections (异议) and feedback."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import duckdb

from governance.disclosure.models import Usage

Key = tuple[str, str]
"""(product, YYYY-MM)."""


def months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The calendar months from `start` to `end` (both included): name, first and last day,
    the last cut at `end`.

    >>> [m[0] for m in months(dt.date(2026, 11, 1), dt.date(2027, 1, 5))]
    ['2026-11', '2026-12', '2027-01']
    """
    found, first = [], start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        last = min(following - dt.timedelta(days=1), end)
        found.append((first.strftime("%Y-%m"), first, last))
        first = following
    return found


def monthly_usage(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], start: dt.date, end: dt.date
) -> list[Usage]:
    """One row per product and month from `start` to `end`, zeros included."""
    if not products:
        return []
    tables = _tables(con)
    counts = _audited(con, products, start, end)
    counts.update(_calls(con, products, start, end))
    rows = []
    for product in products:
        for name, _first, last in months(start, end):
            key = (product, name)
            handled = _objections(con, tables, product, name, last)
            rows.append(
                Usage(
                    product=product,
                    period=name,
                    builds=counts[("publish", *key)] + counts[("refuse", *key)],
                    refused=counts[("refuse", *key)],
                    versions_published=counts[("publish", *key)],
                    verification_calls=counts[("calls", *key)],
                    withdrawals=counts[("withdraw", *key)],
                    feedback_received=_feedback(con, tables, product, name),
                    **handled,
                )
            )
    return rows


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _audited(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], start: dt.date, end: dt.date
) -> Counter[tuple[str, str, str]]:
    """Audit records per action, product and month."""
    rows = con.execute(
        "SELECT action, subject, strftime(occurred_at, '%Y-%m'), count(*) FROM audit_log "
        "WHERE action IN ('publish', 'refuse', 'withdraw') AND subject IN (SELECT unnest(?)) "
        "AND CAST(occurred_at AS DATE) BETWEEN ? AND ? GROUP BY ALL",
        [list(products), start, end],
    ).fetchall()
    return Counter({(a, s, m): int(n) for a, s, m, n in rows})


def _calls(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], start: dt.date, end: dt.date
) -> Counter[tuple[str, str, str]]:
    """Verification claims answered per product and month."""
    if "verification_usage" not in _tables(con):
        return Counter()
    rows = con.execute(
        "SELECT product_id, strftime(day, '%Y-%m'), sum(claims) FROM verification_usage "
        "WHERE product_id IN (SELECT unnest(?)) AND day BETWEEN ? AND ? GROUP BY ALL",
        [list(products), start, end],
    ).fetchall()
    return Counter({("calls", p, m): int(n) for p, m, n in rows})


_OBJECTION_PRODUCTS = """
    SELECT objection_id, product_id FROM objections WHERE product_id IS NOT NULL
    {linked}
"""
_HANDLED = """
WITH affected AS (SELECT DISTINCT o.* FROM objections o JOIN ({pairs}) p USING (objection_id)
                  WHERE p.product_id = ?)
SELECT
    count(*) FILTER (WHERE strftime(filed_at, '%Y-%m') = ?),
    count(*) FILTER (WHERE status = 'upheld' AND strftime(resolved_at, '%Y-%m') = ?),
    count(*) FILTER (WHERE status = 'rejected' AND strftime(resolved_at, '%Y-%m') = ?),
    count(*) FILTER (WHERE CAST(filed_at AS DATE) <= ?
                     AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) > ?)),
    count(*) FILTER (WHERE CAST(filed_at AS DATE) <= ?
                     AND (resolved_at IS NULL OR CAST(resolved_at AS DATE) > ?) AND due < ?)
FROM affected
"""


def _objections(
    con: duckdb.DuckDBPyConnection, tables: set[str], product: str, month: str, last: dt.date
) -> dict[str, int]:
    """Objections about the product: received in the month, upheld or rejected in it, and
    still open (and overdue) at its last day. None when the domain keeps no objections."""
    names = ("objections_received", "objections_upheld", "objections_rejected",
             "objections_open", "objections_overdue")  # fmt: skip
    if "objections" not in tables:
        return dict.fromkeys(names, 0)
    linked = ""
    if "objection_products" in tables:
        linked = "UNION SELECT objection_id, product_id FROM objection_products"
    sql = _HANDLED.format(pairs=_OBJECTION_PRODUCTS.format(linked=linked))
    row = con.execute(sql, [product, month, month, month, last, last, last, last, last]).fetchone()
    return dict(zip(names, (int(n) for n in row or (0,) * 5), strict=True))


def _feedback(con: duckdb.DuckDBPyConnection, tables: set[str], product: str, month: str) -> int:
    """Feedback reports on the product filed in the month; 0 when the domain keeps none."""
    if "feedback" not in tables:
        return 0
    row = con.execute(
        "SELECT count(*) FROM feedback WHERE product_id = ? AND strftime(filed_at, '%Y-%m') = ?",
        [product, month],
    ).fetchone()
    return int(row[0]) if row else 0
