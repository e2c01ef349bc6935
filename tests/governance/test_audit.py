"""The audit log chains every record to the one before, and verify names what was tampered."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pytest

from governance.audit import AuditLog, Entry, chain_digest
from governance.audit_keys import chain_key

AT = dt.datetime(2026, 7, 1, 9, 30)


@pytest.fixture
def log(tmp_path) -> AuditLog:
    audit = AuditLog(tmp_path / "state.duckdb")
    for i, action in enumerate(["key_create", "build", "publish", "refuse", "verify"]):
        audit.append(
            Entry(
                actor="ops",
                action=action,  # type: ignore[arg-type]
                subject=f"product_{i % 2}",
                inputs=[{"path": "raw/x.csv", "sha256": "ab" * 32}],
                counts={"rows": 100 + i, "share": 0.25},
                result="refused" if action == "refuse" else "ok",
            ),
            AT + dt.timedelta(minutes=i),
        )
    return audit


def test_records_are_numbered_and_chained(log: AuditLog) -> None:
    records = log.records()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert records[1].counts == {"rows": 101, "share": 0.25}
    verdict = log.verify()
    assert verdict.intact and verdict.records == 5


def test_filters_select_and_limit_keeps_the_newest(log: AuditLog) -> None:
    assert [r.seq for r in log.records(subject="product_1")] == [2, 4]
    assert [r.action for r in log.records(action="refuse")] == ["refuse"]
    assert [r.seq for r in log.records(limit=2)] == [4, 5]
    assert [r.seq for r in log.records(since=AT + dt.timedelta(minutes=3))] == [4, 5]


def _sql(log: AuditLog, statement: str) -> None:
    con = duckdb.connect(str(log.path))
    con.execute(statement)
    con.close()


def test_an_altered_record_is_named(log: AuditLog) -> None:
    _sql(log, "UPDATE audit_log SET counts = '{\"rows\": 1}' WHERE seq = 3")
    verdict = log.verify()
    assert not verdict.intact and verdict.first_bad == 3
    assert "record 3 was altered" in verdict.message


def test_a_record_rehashed_with_the_key_breaks_the_next_link(log: AuditLog) -> None:
    record = log.records()[1]
    forged = record.__class__(**{**record.__dict__, "actor": "intruder"})
    key = chain_key(log.keys, create=False)
    digest = chain_digest(log.records()[0].digest or "", forged.fields())
    _sql(log, f"UPDATE audit_log SET actor = 'intruder', hash = '{forged.expected_hash(key)}', "
              f"digest = '{digest}' WHERE seq = 2")  # fmt: skip
    verdict = log.verify()
    assert not verdict.intact
    assert "record 3 does not follow record 2" in verdict.message


def test_a_record_rehashed_without_the_key_is_named(log: AuditLog) -> None:
    record = log.records()[1]
    forged = record.__class__(**{**record.__dict__, "actor": "intruder", "digest": None})
    _sql(log, f"UPDATE audit_log SET actor = 'intruder', hash = '{forged.expected_hash(None)}' "
              "WHERE seq = 2")  # fmt: skip
    verdict = log.verify()
    assert not verdict.intact and verdict.first_bad == 2


def test_a_removed_record_is_named(log: AuditLog) -> None:
    _sql(log, "DELETE FROM audit_log WHERE seq = 2")
    verdict = log.verify()
    assert not verdict.intact and verdict.first_bad == 2
    assert "record 2 was removed" in verdict.message


def test_records_cut_off_the_end_are_named(log: AuditLog) -> None:
    _sql(log, "DELETE FROM audit_log WHERE seq >= 4")
    verdict = log.verify()
    assert not verdict.intact and verdict.first_bad == 4
    assert "records 4-5 were removed from the end" in verdict.message


def test_reading_an_empty_domain_writes_nothing(tmp_path) -> None:
    audit = AuditLog(tmp_path / "state.duckdb")
    assert audit.records() == []
    assert audit.verify().intact
    assert not (tmp_path / "state.duckdb").exists()
