"""The audit log (审计日志): use can be traced (使用过程可追溯).

An append-only, hash-chained record in domain/state.duckdb of every build, publication,
refusal, verification batch, key creation, authorization change and withdrawal: who, what,
under which authorization and policy, which inputs (content hashes), outputs, counts, result.
Each record's hash covers its fields and the previous record's hash, so altering or removing a
record breaks the chain from there on; the newest record's number and hash are also written to
``audit.head`` beside the database, so cutting records off the end shows too.

Records hold counts and hashes, never row contents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from governance.duck import reading, select, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    authorization_id TEXT,
    policy_sha256 TEXT,
    inputs TEXT NOT NULL,
    outputs TEXT NOT NULL,
    counts TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""
GENESIS = "0" * 64

Action = Literal[
    "build",
    "publish",
    "refuse",
    "verify",
    "key_create",
    "authorization_add",
    "authorization_revoke",
    "authorization_expire",
    "withdraw",
    "budget_change",
]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]
Result = Literal["ok", "refused", "failed"]


@dataclass(frozen=True)
class Entry:
    """What happened, before it is numbered and chained."""

    actor: str
    action: Action
    result: Result = "ok"
    subject: str | None = None
    authorization_id: str | None = None
    policy_sha256: str | None = None
    inputs: Sequence[Mapping[str, Any]] = ()
    outputs: Sequence[Mapping[str, Any]] = ()
    counts: Mapping[str, Any] = field(default_factory=dict)
    detail: str | None = None


@dataclass(frozen=True)
class Record:
    """One numbered, chained record as stored."""

    seq: int
    occurred_at: dt.datetime
    actor: str
    action: str
    subject: str | None
    authorization_id: str | None
    policy_sha256: str | None
    inputs: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    counts: dict[str, Any]
    result: str
    detail: str | None
    prev_hash: str
    hash: str

    def digest(self) -> str:
        """The hash this record must carry, from its fields and its predecessor's hash."""
        return record_hash({k: v for k, v in self.__dict__.items() if k != "hash"})


@dataclass(frozen=True)
class Verdict:
    """The outcome of recomputing the chain."""

    intact: bool
    records: int
    message: str
    first_bad: int | None = None


class AuditLog:
    """The audit log of one domain; appends are one transaction each."""

    def __init__(self, path: Path):
        self.path = path
        self.head = path.with_name("audit.head")

    def append(self, entry: Entry, at: dt.datetime) -> Record:
        """Number, chain and store ``entry``; returns the stored record."""
        with transaction(self.path, SCHEMA) as con:
            record = self.append_on(con, entry, at)
        self.write_head(record)
        return record

    def append_on(self, con: duckdb.DuckDBPyConnection, entry: Entry, at: dt.datetime) -> Record:
        """Append ``entry`` on ``con``, inside the caller's transaction, so the record is
        committed together with what it records, or not at all. Call `write_head` after the
        commit."""
        con.execute(SCHEMA)
        last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        found = last.fetchone()
        seq, prev = (found[0] + 1, found[1]) if found else (1, GENESIS)
        fields = {
            "seq": seq,
            "occurred_at": at.replace(tzinfo=None, microsecond=0),
            "actor": entry.actor,
            "action": entry.action,
            "subject": entry.subject,
            "authorization_id": entry.authorization_id,
            "policy_sha256": entry.policy_sha256,
            "inputs": _canonical(list(entry.inputs)),
            "outputs": _canonical(list(entry.outputs)),
            "counts": _canonical(dict(entry.counts)),
            "result": entry.result,
            "detail": entry.detail,
            "prev_hash": prev,
        }
        record = Record(**fields, hash=record_hash(fields))
        row = _encode(record)
        marks = ", ".join("?" for _ in row)
        con.execute(
            f"INSERT INTO audit_log ({', '.join(row)}) VALUES ({marks})", list(row.values())
        )
        return record

    def write_head(self, record: Record) -> None:
        """Note the newest committed record beside the database, so cutting records off the
        end of the log shows."""
        self.head.write_text(f"{record.seq} {record.hash}\n", "utf-8")

    def records(
        self,
        *,
        action: str | None = None,
        subject: str | None = None,
        authorization_id: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[Record]:
        """Stored records, oldest first, filtered; ``limit`` keeps the newest."""
        where, params = [], []
        for column, value in (
            ("action", action),
            ("subject", subject),
            ("authorization_id", authorization_id),
            ("actor", actor),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("occurred_at >= ?")
            params.append(since)
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with reading(self.path, SCHEMA, ["audit_log"]) as con:
            rows = select(con, sql, params)
        return [_decode(r) for r in reversed(rows)]

    def verify(self) -> Verdict:
        """Recompute the chain; name the first record that was altered or removed."""
        records = self.records()
        prev, expected = GENESIS, 1
        for record in records:
            if record.seq != expected:
                gap = (
                    f"{expected}" if record.seq == expected + 1 else f"{expected}-{record.seq - 1}"
                )
                return Verdict(False, len(records), f"record {gap} was removed", expected)
            if record.prev_hash != prev:
                return Verdict(
                    False,
                    len(records),
                    f"record {record.seq} does not follow record {record.seq - 1}: one of them "
                    "was altered or replaced",
                    record.seq - 1 if record.seq > 1 else 1,
                )
            if record.digest() != record.hash:
                return Verdict(False, len(records), f"record {record.seq} was altered", record.seq)
            prev, expected = record.hash, expected + 1
        head = self._head()
        if head is not None:
            seq, digest = head
            if seq > len(records):
                first = len(records) + 1
                return Verdict(
                    False, len(records), f"records {first}-{seq} were removed from the end", first
                )
            if records and seq == records[-1].seq and digest != records[-1].hash:
                return Verdict(False, len(records), f"record {seq} was altered", seq)
        last = f", newest {records[-1].seq} {records[-1].hash[:16]}" if records else ""
        return Verdict(True, len(records), f"audit log intact: {len(records)} record(s){last}")

    def _head(self) -> tuple[int, str] | None:
        if not self.head.is_file():
            return None
        parts = self.head.read_text("utf-8").split()
        if len(parts) != 2 or not parts[0].isdigit():
            return None
        return int(parts[0]), parts[1]


def record_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the fields in canonical JSON (sorted keys, timestamps in ISO form).

    >>> record_hash({"seq": 1, "prev_hash": GENESIS})[:12]
    '65230ba5b61d'
    """
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(blob.encode()).hexdigest()


def _plain(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


_JSON = ("inputs", "outputs", "counts")


def _canonical(value: Any) -> Any:
    """The value as it reads back from storage (JSON), so the hash is the same then."""
    return json.loads(json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain))


def _encode(record: Record) -> dict[str, Any]:
    row = dict(record.__dict__)
    for name in _JSON:
        row[name] = json.dumps(row[name], sort_keys=True, ensure_ascii=False, default=_plain)
    return row


def _decode(row: dict[str, Any]) -> Record:
    for name in _JSON:
        row[name] = json.loads(row[name])
    return Record(**row)
