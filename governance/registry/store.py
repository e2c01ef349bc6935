"""The registry's two tables in domain/state.duckdb: `registrations` (one current row per
resource, with its fixed privacy budget) and `registration_events` (append-only history, never
updated or deleted).

Reads never create the database, so looking at the registry (or a build's check) writes nothing.
A registry written before budgets were registered gains their columns at its next write, empty
until the next registration fixes them.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb

from governance.duck import reading, select, transaction
from governance.registry.models import Registration, RegistrationEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS registrations (
    resource_id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    department TEXT NOT NULL,
    format TEXT NOT NULL,
    location TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    schema TEXT NOT NULL,
    classification TEXT NOT NULL,
    table_grade TEXT NOT NULL,
    update_frequency TEXT NOT NULL,
    supply_modes TEXT[] NOT NULL,
    policy_path TEXT NOT NULL,
    policy_sha256 TEXT NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS registration_events (
    resource_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    department TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    table_grade TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    changes TEXT NOT NULL,
    reason TEXT,
    policy_path TEXT NOT NULL,
    policy_sha256 TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (resource_id, seq)
);
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS budget_epsilon DOUBLE;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS budget_delta DOUBLE;
"""
JSON_COLUMNS = ("schema", "classification")
EVENT_COLUMNS = (
    "resource_id, code, version, event, occurred_at, department, content_sha256, table_grade, "
    "row_count, changes, reason, policy_path, policy_sha256, snapshot"
)


class RegistryStore:
    """Registrations and their events; every write is one transaction, all or nothing."""

    def __init__(self, path: Path):
        self.path = path

    def registrations(self) -> list[Registration]:
        """Every current registration, cancelled ones included, by resource id."""
        rows = self._select("SELECT * FROM registrations ORDER BY resource_id")
        return [Registration.from_row(_decode(row)) for row in rows]

    def get(self, resource_id: str) -> Registration | None:
        """The current registration of `resource_id`, or None."""
        rows = self._select("SELECT * FROM registrations WHERE resource_id = ?", [resource_id])
        return Registration.from_row(_decode(rows[0])) if rows else None

    def events(self, resource_id: str | None = None) -> list[RegistrationEvent]:
        """The history of one resource (or of all), oldest first."""
        where = "WHERE resource_id = ?" if resource_id else ""
        sql = f"SELECT {EVENT_COLUMNS} FROM registration_events {where} ORDER BY resource_id, seq"
        rows = self._select(sql, [resource_id] if resource_id else [])
        return [RegistrationEvent(**{**r, "snapshot": json.loads(r["snapshot"])}) for r in rows]

    def contents(self) -> dict[str, set[str]]:
        """Every content hash each resource was ever registered with."""
        sql = "SELECT DISTINCT resource_id, content_sha256 FROM registration_events"
        found: dict[str, set[str]] = {}
        for row in self._select(sql):
            found.setdefault(row["resource_id"], set()).add(row["content_sha256"])
        return found

    def save(self, records: list[tuple[Registration, RegistrationEvent]]) -> None:
        """Write new current rows and append their events in one transaction."""
        if not records:
            return
        with transaction(self.path, SCHEMA) as con:
            for registration, event in records:
                _upsert(con, _encode(registration.row()))
                _append(con, event)

    def write_parquet(self, path: Path) -> None:
        """Current registrations, each with its events as a nested list, to one Parquet file."""
        sql = (
            "COPY (SELECT r.*, (SELECT list({'version': e.version, 'event': e.event, "
            "'occurred_at': e.occurred_at, 'changes': e.changes, 'reason': e.reason, "
            "'content_sha256': e.content_sha256, "
            "'table_grade': e.table_grade} ORDER BY e.seq) FROM registration_events e "
            "WHERE e.resource_id = r.resource_id) AS events FROM registrations r "
            f"ORDER BY r.resource_id) TO '{_quoted(path)}' (FORMAT parquet)"
        )
        with self._reading() as con:
            con.execute(sql)

    def _select(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self._reading() as con:
            return select(con, sql, params or [])

    def _reading(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A read-only connection; an empty in-memory registry when there is none yet."""
        return reading(self.path, SCHEMA, ["registrations", "registration_events"])


def _upsert(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "resource_id")
    con.execute(
        f"INSERT INTO registrations ({cols}) VALUES ({marks}) "
        f"ON CONFLICT (resource_id) DO UPDATE SET {updates}",
        list(row.values()),
    )


def _append(con: duckdb.DuckDBPyConnection, event: RegistrationEvent) -> None:
    found = con.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM registration_events WHERE resource_id = ?",
        [event.resource_id],
    ).fetchone()
    seq = found[0] if found else 1
    values = [getattr(event, c.strip()) for c in EVENT_COLUMNS.split(",")]
    values[-1] = _json(event.snapshot)
    marks = ", ".join("?" for _ in values)
    con.execute(
        f"INSERT INTO registration_events (seq, {EVENT_COLUMNS}) VALUES (?, {marks})",
        [seq, *values],
    )


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _json(v) if k in JSON_COLUMNS else v for k, v in row.items()}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_COLUMNS else v for k, v in row.items()}


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
