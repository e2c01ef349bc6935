"""What each operator tried on each verification product (核验历史), for enumeration control
across batches: every answered batch (operator, product, day), its distinct claims with their
outcome, the distinct values its valid claims named per identifier and field, and the
suspensions of operators who crossed a limit that depends on the answers.

Everything is keyed: a claim, an identifier-and-field slot and a slot-and-value pair are 64-bit
mixes of keyed pseudonyms under the product's key (see transforms/verification/tried.py). No
raw identifier or claimed value is stored. Batches come and go as Arrow tables (from any frame
library), so this store knows DuckDB and nothing of the core; an outcome is the small number
the caller gives it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from governance.duck import reading

SCHEMA = """
CREATE TABLE IF NOT EXISTS verification_batches (
    batch BIGINT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    day DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS verification_claims (
    batch BIGINT NOT NULL,
    key UBIGINT NOT NULL,
    outcome UTINYINT NOT NULL
);
CREATE TABLE IF NOT EXISTS verification_values (
    batch BIGINT NOT NULL,
    slot UBIGINT NOT NULL,
    pair UBIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS verification_suspensions (
    operator_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    since DATE NOT NULL,
    until DATE NOT NULL,
    rule TEXT NOT NULL,
    audit_seq BIGINT NOT NULL
);
"""
TABLES = ["verification_batches", "verification_claims", "verification_values"]
_BATCHES = (
    "batch IN (SELECT batch FROM verification_batches "
    "WHERE operator_id = ? AND product_id = ? AND day >= ?)"
)


@dataclass(frozen=True)
class Seen:
    """What the window holds: how many batches were answered, and (Arrow tables) their claims
    (key, outcome) and the values their valid claims named (slot, pair), as recorded: the
    caller records each once, when the window first sees it."""

    batches: int
    claims: Any
    values: Any


@dataclass(frozen=True)
class Suspension:
    """An operator refused on a product from `since` until the day before `until`."""

    since: dt.date
    until: dt.date
    rule: str
    audit_seq: int


class ProbeHistory:
    """The enumeration history of one domain (in state.duckdb)."""

    def __init__(self, path: Path):
        self.path = path

    def window(self, operator: str, product: str, since: dt.date) -> Seen:
        """What `operator` tried on `product` from `since` on."""
        mine = [operator, product, since]
        with reading(self.path, SCHEMA, TABLES) as con:
            batches = con.sql(
                "SELECT count(*) FROM verification_batches "
                "WHERE operator_id = ? AND product_id = ? AND day >= ?",
                params=mine,
            ).fetchall()[0][0]
            claims = con.sql(
                f"SELECT key, outcome FROM verification_claims WHERE {_BATCHES}", params=mine
            ).to_arrow_table()
            values = con.sql(
                f"SELECT slot, pair FROM verification_values WHERE {_BATCHES}", params=mine
            ).to_arrow_table()
        return Seen(int(batches), claims, values)

    def suspension(self, operator: str, product: str, day: dt.date) -> Suspension | None:
        """The suspension of `operator` on `product` in force on `day`, if any."""
        with reading(self.path, SCHEMA, ["verification_suspensions"]) as con:
            rows = con.execute(
                "SELECT since, until, rule, audit_seq FROM verification_suspensions "
                "WHERE operator_id = ? AND product_id = ? AND since <= ? AND until > ? "
                "ORDER BY until DESC LIMIT 1",
                [operator, product, day, day],
            ).fetchall()
        return Suspension(*rows[0]) if rows else None

    def record_on(
        self,
        con: duckdb.DuckDBPyConnection,
        operator: str,
        product: str,
        day: dt.date,
        batch: int,
        claims: Any,
        values: Any,
    ) -> None:
        """Add an answered batch on the caller's connection (with SCHEMA), inside the
        transaction that charges and audits it; `batch` is its audit record's number.
        `claims` (key, outcome) and `values` (slot, pair) are Arrow tables of what the window
        did not hold yet."""
        con.execute(
            "INSERT INTO verification_batches VALUES (?, ?, ?, ?)", [batch, operator, product, day]
        )
        con.register("batch_claims", claims)
        con.register("batch_values", values)
        con.execute(
            "INSERT INTO verification_claims SELECT ?, key, outcome FROM batch_claims",
            [batch],
        )
        con.execute(
            "INSERT INTO verification_values SELECT ?, slot, pair FROM batch_values",
            [batch],
        )
        con.unregister("batch_claims")
        con.unregister("batch_values")

    def forget_on(
        self, con: duckdb.DuckDBPyConnection, operator: str, product: str, before: dt.date
    ) -> None:
        """Drop what `operator` tried on `product` before `before`: outside every window."""
        mine = "WHERE operator_id = ? AND product_id = ? AND day < ?"
        first = con.execute(
            f"SELECT min(batch) FROM verification_batches {mine}", [operator, product, before]
        )
        if first.fetchone()[0] is None:  # type: ignore[index]
            return  # nothing to drop: no scan of the history's tables
        old = f"batch IN (SELECT batch FROM verification_batches {mine})"
        for table in ("verification_claims", "verification_values", "verification_batches"):
            con.execute(f"DELETE FROM {table} WHERE {old}", [operator, product, before])

    def suspend_on(
        self, con: duckdb.DuckDBPyConnection, operator: str, product: str, suspension: Suspension
    ) -> None:
        """Suspend `operator` on `product`, inside the transaction that audits the refusal."""
        s = suspension
        con.execute(
            "INSERT INTO verification_suspensions VALUES (?, ?, ?, ?, ?, ?)",
            [operator, product, s.since, s.until, s.rule, s.audit_seq],
        )
