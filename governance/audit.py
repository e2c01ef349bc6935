"""The audit log (审计日志): use can be traced (使用过程可追溯).

An append-only, chained record in domain/state.duckdb of every build, publication, refusal,
verification batch, key creation, authorization change and withdrawal: who, what, under which
authorization and policy, which inputs (content hashes), outputs, counts, result.

Each record carries two chains. Its `hash` is an HMAC, under the domain's chain key
(keys/audit-chain.key), of its fields and the previous record's hash: altering, removing or
adding a record breaks it, and nobody without the key can forge one that verifies. Its `digest`
is a plain SHA-256 of its fields and the previous digest, which anyone can recompute from a
copy of the log: signed checkpoints of it (governance/checkpoints.py), published outside the
domain, show a rewritten or shortened log even to someone who holds only the public key. The
newest record's number and hash are also written to ``audit.head`` beside the database.

Records written before the log was keyed carry a plain SHA-256 hash and no digest; they are
checked as they were written, and may only come before every keyed record.

Records hold counts and hashes, never row contents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from governance.audit_keys import CHAIN_KEY, chain_key, signing_key
from governance.checkpoints import Checkpoint, genuine
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
    hash TEXT NOT NULL,
    digest TEXT
);
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS digest TEXT;
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
    "disclose",
    "feedback_add",
    "objection_file",
    "objection_suspend",
    "objection_uphold",
    "objection_reject",
    "correction",
    "objection_rebuild",
    "registration_change",
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
    digest: str | None = None

    def fields(self) -> dict[str, Any]:
        """What the record's hash and digest cover: every field and the previous hash."""
        return {k: v for k, v in self.__dict__.items() if k not in ("hash", "digest")}

    def expected_hash(self, key: bytes | None) -> str:
        """The hash this record must carry: keyed, or plain for a record from before keys."""
        if key is None or self.digest is None:
            return record_hash(self.fields())
        return keyed_hash(self.fields(), key)


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
        self.keys = path.parent / "keys"

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
        last = con.execute(
            "SELECT seq, hash, digest FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        first_keyed = last is None or last[2] is None  # an empty log, or one from before keys
        key = chain_key(self.keys, create=first_keyed)
        if first_keyed:
            signing_key(self.keys, create=True)
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        prev_digest = GENESIS if last is None else last[2] or self._digest_of(con)
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
        record = Record(
            **fields, hash=keyed_hash(fields, key), digest=chain_digest(prev_digest, fields)
        )
        row = _encode(record)
        marks = ", ".join("?" for _ in row)
        con.execute(
            f"INSERT INTO audit_log ({', '.join(row)}) VALUES ({marks})", list(row.values())
        )
        return record

    def _digest_of(self, con: duckdb.DuckDBPyConnection) -> str:
        """The digest up to the newest record of a log kept from before it was keyed."""
        rows = select(con, "SELECT * FROM audit_log ORDER BY seq")
        digest = GENESIS
        for row in rows:
            digest = chain_digest(digest, _decode(row).fields())
        return digest

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

    def verify(
        self,
        checkpoints: Sequence[Checkpoint] = (),
        public_pem: bytes | None = None,
        *,
        keyed: bool = True,
    ) -> Verdict:
        """Recompute both chains, check the head and every signed checkpoint; name the first
        record altered, removed or added. Without `keyed` (someone holding only the public
        key) the hashes are not recomputed, and the digests and checkpoints decide."""
        records = self.records()
        key = None
        if keyed and any(r.digest is not None for r in records):
            key = chain_key(self.keys, create=False)
        elif keyed and records and (self.keys / CHAIN_KEY).is_file():
            message = "the log was keyed, but no record carries its key: it was rewritten"
            return Verdict(False, len(records), message, 1)
        found = _chain(records, key)
        if found is None:
            found = self._check_head(records) if keyed else None
        if found is None:
            found = _against(records, checkpoints, public_pem)
        if found is not None:
            message, first = found
            return Verdict(False, len(records), message, first)
        last = f", newest {records[-1].seq} {records[-1].hash[:16]}" if records else ""
        vouched = f", {len(checkpoints)} signed checkpoint(s) agree" if checkpoints else ""
        return Verdict(
            True, len(records), f"audit log intact: {len(records)} record(s){last}{vouched}"
        )

    def _check_head(self, records: list[Record]) -> tuple[str, int] | None:
        if not records:
            return None
        if not self.head.is_file():
            return f"{self.head} is missing while the log has {len(records)} record(s)", 1
        head = self._head()
        if head is None:
            return f"{self.head} is malformed (expected: number and hash)", 1
        seq, digest = head
        if seq > len(records):
            first = len(records) + 1
            return f"records {first}-{seq} were removed from the end", first
        if digest != records[seq - 1].hash:
            return f"record {seq} was altered (it differs from {self.head.name})", seq
        return None

    def _head(self) -> tuple[int, str] | None:
        if not self.head.is_file():
            return None
        parts = self.head.read_text("utf-8").split()
        if len(parts) != 2 or not parts[0].isdigit():
            return None
        return int(parts[0]), parts[1]


def _chain(records: list[Record], key: bytes | None) -> tuple[str, int] | None:
    """The first break in the chain: a gap, a broken link, an altered record, or a record
    from before keys after a keyed one. With no key, links and digests only."""
    prev, expected, digest, keyed_seen = GENESIS, 1, GENESIS, False
    for record in records:
        if record.seq != expected:
            gap = f"{expected}" if record.seq == expected + 1 else f"{expected}-{record.seq - 1}"
            return f"record {gap} was removed", expected
        if record.prev_hash != prev:
            return (
                f"record {record.seq} does not follow record {record.seq - 1}: one of them "
                "was altered or replaced",
                record.seq - 1 if record.seq > 1 else 1,
            )
        digest = chain_digest(digest, record.fields())
        if record.digest is None and keyed_seen:
            return f"record {record.seq} was added without the log's key", record.seq
        keyed_seen = keyed_seen or record.digest is not None
        altered = record.digest is not None and record.digest != digest
        if altered or ((key is not None or record.digest is None) and
                       record.expected_hash(key) != record.hash):  # fmt: skip
            return f"record {record.seq} was altered", record.seq
        prev, expected = record.hash, expected + 1
    return None


def _against(
    records: list[Record], checkpoints: Sequence[Checkpoint], public_pem: bytes | None
) -> tuple[str, int] | None:
    """The first signed checkpoint the log does not agree with."""
    digests, digest = [], GENESIS
    for record in records:
        digest = chain_digest(digest, record.fields())
        digests.append(digest)
    ordered = sorted(checkpoints, key=lambda c: c.seq)
    for point in ordered:
        if public_pem is None or not genuine(point, public_pem):
            return f"checkpoint {point.seq} is not signed by the domain's audit key", point.seq
    if ordered and ordered[-1].seq > len(records):
        first, newest = len(records) + 1, ordered[-1]
        return (
            f"records {first}-{newest.seq} were removed: the log ends before the signed "
            f"checkpoint {newest.seq} ({newest.at})",
            first,
        )
    for point in ordered:
        if digests[point.seq - 1] != point.digest or records[point.seq - 1].hash != point.hash:
            return (
                f"the log up to record {point.seq} was rewritten: it differs from the signed "
                f"checkpoint {point.seq} ({point.at})",
                point.seq,
            )
    return None


def keyed_hash(fields: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256 of the fields in canonical JSON, under the chain key."""
    return hmac.new(key, _blob(fields), hashlib.sha256).hexdigest()


def chain_digest(prev: str, fields: Mapping[str, Any]) -> str:
    """The public digest of the log up to a record: SHA-256 of the previous digest and the
    record's fields, which anyone with a copy of the log can recompute."""
    return hashlib.sha256(prev.encode() + b"\n" + _blob(fields)).hexdigest()


def head_checkpoint(record: Record, at: str) -> Checkpoint:
    """The (unsigned) checkpoint of the log as it stands at `record`."""
    if record.digest is None:
        raise ValueError("a checkpoint is of a keyed record")
    return Checkpoint(record.seq, record.hash, record.digest, at)


def _blob(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_plain).encode()


def record_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the fields in canonical JSON (sorted keys, timestamps in ISO form).

    >>> record_hash({"seq": 1, "prev_hash": GENESIS})[:12]
    '65230ba5b61d'
    """
    return hashlib.sha256(_blob(fields)).hexdigest()


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
