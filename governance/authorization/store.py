"""Authorizations held by the domain (domain/state.duckdb): the document as granted and its
status (active, revoked, expired). Changes are recorded in the audit log by the caller."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from governance.authorization.models import Authorization
from governance.duck import reading, select, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS authorizations (
    authorization_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    document TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    reason TEXT
);
"""
Status = Literal["active", "revoked", "expired"]


@dataclass(frozen=True)
class Held:
    """An authorization as the domain holds it."""

    authorization: Authorization
    status: Status
    sha256: str
    source: str
    added_at: dt.datetime
    ended_at: dt.datetime | None = None
    reason: str | None = None

    @property
    def id(self) -> str:
        return self.authorization.id


class AuthorizationStore:
    """The domain's authorizations; every write is one transaction."""

    def __init__(self, path: Path):
        self.path = path

    def all(self) -> list[Held]:
        """Every authorization ever added, by id."""
        with reading(self.path, SCHEMA, ["authorizations"]) as con:
            rows = select(con, "SELECT * FROM authorizations ORDER BY authorization_id")
        return [_held(r) for r in rows]

    def get(self, authorization_id: str) -> Held | None:
        with reading(self.path, SCHEMA, ["authorizations"]) as con:
            rows = select(
                con, "SELECT * FROM authorizations WHERE authorization_id = ?", [authorization_id]
            )
        return _held(rows[0]) if rows else None

    def add(self, authorization: Authorization, sha256: str, source: str, at: dt.datetime) -> None:
        """Hold a new (or amended, still active) authorization."""
        document = authorization.model_dump_json()
        with transaction(self.path, SCHEMA) as con:
            con.execute(
                "INSERT INTO authorizations (authorization_id, status, operator_id, document, "
                "sha256, source, added_at) VALUES (?, 'active', ?, ?, ?, ?, ?) "
                "ON CONFLICT (authorization_id) DO UPDATE SET document = excluded.document, "
                "sha256 = excluded.sha256, source = excluded.source, "
                "operator_id = excluded.operator_id, added_at = excluded.added_at",
                [authorization.id, authorization.operator.id, document, sha256, source, at],
            )

    def end(self, authorization_id: str, status: Status, at: dt.datetime, reason: str) -> None:
        """Mark an authorization revoked or expired."""
        with transaction(self.path, SCHEMA) as con:
            con.execute(
                "UPDATE authorizations SET status = ?, ended_at = ?, reason = ? "
                "WHERE authorization_id = ?",
                [status, at, reason, authorization_id],
            )


def _held(row: dict) -> Held:
    return Held(
        Authorization.model_validate(json.loads(row["document"])),
        row["status"],
        row["sha256"],
        row["source"],
        row["added_at"],
        row["ended_at"],
        row["reason"],
    )
