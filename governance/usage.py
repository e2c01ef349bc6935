"""Verification usage per operator (用量): claims answered per product and day, against the
quotas of the operator's authorization. Only counts are kept, never a claim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from governance.duck import reading, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS verification_usage (
    operator_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    day DATE NOT NULL,
    claims BIGINT NOT NULL,
    PRIMARY KEY (operator_id, product_id, day)
);
"""


class UsageLedger:
    """Claims answered, per operator, product and day."""

    def __init__(self, path: Path):
        self.path = path

    def used(self, operator: str, day: dt.date) -> tuple[int, int]:
        """Claims the operator had answered on `day` and in its calendar month, all products."""
        with reading(self.path, SCHEMA, ["verification_usage"]) as con:
            return self.used_on(con, operator, day)

    def add(self, operator: str, product: str, day: dt.date, claims: int) -> None:
        with transaction(self.path, SCHEMA) as con:
            self.add_on(con, operator, product, day, claims)

    def used_on(
        self, con: duckdb.DuckDBPyConnection, operator: str, day: dt.date
    ) -> tuple[int, int]:
        """`used`, on the caller's connection (with SCHEMA applied): read inside the
        transaction that charges."""
        first = day.replace(day=1)
        row = con.execute(
            "SELECT coalesce(sum(claims) FILTER (WHERE day = ?), 0), "
            "coalesce(sum(claims), 0) FROM verification_usage "
            "WHERE operator_id = ? AND day >= ? AND day <= ?",
            [day, operator, first, day],
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def add_on(
        self, con: duckdb.DuckDBPyConnection, operator: str, product: str, day: dt.date, claims: int
    ) -> None:
        """Charge `claims` on the caller's connection, inside its transaction."""
        con.execute(SCHEMA)
        con.execute(
            "INSERT INTO verification_usage VALUES (?, ?, ?, ?) "
            "ON CONFLICT (operator_id, product_id, day) "
            "DO UPDATE SET claims = verification_usage.claims + excluded.claims",
            [operator, product, day, claims],
        )
