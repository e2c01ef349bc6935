"""Tampering with the audit log, as someone with write access to the domain would try it:
every case must be caught by `sluice audit verify`, and an outsider holding only the public
key and the published checkpoints must catch what touches the records they vouch for. The
attacker here writes SQL and computes hashes its own way, without the code under test."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.services.checkpoints import CHECKPOINTS, PUBLIC_KEY, publish_head
from flows.settings import Paths
from governance.audit import AuditLog, Entry

pytestmark = pytest.mark.reliability
AT = dt.datetime(2026, 7, 1, 9, 30)


@pytest.fixture
def domain(tmp_path: Path) -> Paths:
    """A domain with seven audited events, checkpoints published after the fifth and seventh."""
    paths = Paths(tmp_path / "domain", tmp_path / "published")
    paths.home.mkdir()
    log = AuditLog(paths.state)
    for i in range(7):
        stored = log.append(
            Entry(actor="ops", action="publish", subject=f"p{i % 3}", counts={"rows": i}),
            AT + dt.timedelta(minutes=i),
        )
        assert stored.seq == i + 1
        if i in (4, 6):
            publish_head(paths)
    return paths


def verdict(paths: Paths, *, outside: bool = False):
    points = paths.publish / CHECKPOINTS
    from governance.checkpoints import read_checkpoints

    checkpoints = read_checkpoints(points.read_text(), str(points)) if points.is_file() else []
    pem = (paths.publish / PUBLIC_KEY).read_bytes()
    return AuditLog(paths.state).verify(checkpoints, pem, keyed=not outside)


def sql(paths: Paths, statement: str) -> None:
    con = duckdb.connect(str(paths.state))
    con.execute(statement)
    con.close()


def rows(paths: Paths) -> list[dict]:
    con = duckdb.connect(str(paths.state))
    cur = con.execute("SELECT * FROM audit_log ORDER BY seq")
    names = [d[0] for d in cur.description]
    found = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    con.close()
    return found


def plain_hash(row: dict) -> str:
    """The attacker's own SHA-256 over a record's fields, as an unkeyed chain would have it."""
    fields = {k: v for k, v in row.items() if k not in ("hash", "digest")}
    for name in ("inputs", "outputs", "counts"):
        fields[name] = json.loads(fields[name])
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_iso)
    return hashlib.sha256(blob.encode()).hexdigest()


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def test_an_untouched_log_verifies_inside_and_outside(domain: Paths) -> None:
    assert verdict(domain).intact
    assert verdict(domain, outside=True).intact
    assert "2 signed checkpoint(s) agree" in verdict(domain).message


def test_tail_deleted_and_head_rewritten(domain: Paths) -> None:
    last = rows(domain)[4]
    sql(domain, "DELETE FROM audit_log WHERE seq > 5")
    (domain.home / "audit.head").write_text(f"5 {last['hash']}\n")
    found = verdict(domain)
    assert not found.intact and found.first_bad == 6
    assert "records 6-7 were removed" in found.message
    assert not verdict(domain, outside=True).intact


def test_tail_deleted_and_head_deleted(domain: Paths) -> None:
    sql(domain, "DELETE FROM audit_log WHERE seq > 3")
    (domain.home / "audit.head").unlink()
    found = verdict(domain)
    assert not found.intact and "audit.head is missing" in found.message
    assert "records 4-7 were removed" in verdict(domain, outside=True).message


def test_every_record_and_the_head_deleted(domain: Paths) -> None:
    sql(domain, "DELETE FROM audit_log")
    (domain.home / "audit.head").unlink()
    found = verdict(domain)
    assert not found.intact and "records 1-7 were removed" in found.message


def test_a_record_appended_with_a_correctly_computed_hash(domain: Paths) -> None:
    last = rows(domain)[-1]
    forged = {**last, "seq": 8, "actor": "intruder", "prev_hash": last["hash"], "digest": None}
    forged["hash"] = plain_hash(forged)
    columns = ", ".join(forged)
    marks = ", ".join("?" for _ in forged)
    con = duckdb.connect(str(domain.state))
    con.execute(f"INSERT INTO audit_log ({columns}) VALUES ({marks})", list(forged.values()))
    con.close()
    (domain.home / "audit.head").write_text(f"8 {forged['hash']}\n")
    found = verdict(domain)
    assert not found.intact and found.first_bad == 8


def test_the_whole_chain_rewritten_consistently_without_the_key(domain: Paths) -> None:
    prev = "0" * 64
    for row in rows(domain):
        row = {**row, "actor": "nobody", "prev_hash": prev, "digest": None}
        row["hash"] = plain_hash(row)
        sql(domain, f"UPDATE audit_log SET actor = 'nobody', prev_hash = '{prev}', "
                    f"hash = '{row['hash']}', digest = NULL WHERE seq = {row['seq']}")  # fmt: skip
        prev = row["hash"]
    (domain.home / "audit.head").write_text(f"7 {prev}\n")
    found = verdict(domain)
    assert not found.intact and found.first_bad == 1
    assert not verdict(domain, outside=True).intact  # the signed digests disagree


def test_the_whole_chain_rewritten_with_the_key_shows_against_the_checkpoints(
    domain: Paths,
) -> None:
    """An insider who holds the chain key rewrites every record consistently: only the
    checkpoints published outside the domain show it."""
    from governance.audit import chain_digest, keyed_hash  # the insider has the tools too
    from governance.audit_keys import chain_key

    key = chain_key(domain.keys, create=False)
    log = AuditLog(domain.state)
    prev, digest = "0" * 64, "0" * 64
    for record in log.records():
        fields = {**record.fields(), "actor": "nobody", "prev_hash": prev}
        new_hash, digest = keyed_hash(fields, key), chain_digest(digest, fields)
        sql(domain, f"UPDATE audit_log SET actor = 'nobody', prev_hash = '{prev}', hash = "
                    f"'{new_hash}', digest = '{digest}' WHERE seq = {record.seq}")  # fmt: skip
        prev = new_hash
    (domain.home / "audit.head").write_text(f"7 {prev}\n")
    assert AuditLog(domain.state).verify().intact  # without the checkpoints it would pass
    found = verdict(domain)
    assert not found.intact and "differs from the signed checkpoint 5" in found.message


def test_a_malformed_head(domain: Paths) -> None:
    (domain.home / "audit.head").write_text("not a head\n")
    assert "audit.head is malformed" in verdict(domain).message


def test_a_forged_checkpoint_is_refused(domain: Paths) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    (domain.publish / PUBLIC_KEY).write_bytes(other)
    found = verdict(domain, outside=True)
    assert not found.intact and "not signed by the domain's audit key" in found.message


def test_an_outsider_checks_a_copy_with_the_cli(domain: Paths, tmp_path: Path) -> None:
    """Someone outside the domain holds a copy of state.duckdb, the published checkpoints
    and the public key, and no chain key."""
    outside = tmp_path / "outside"
    (outside / "home").mkdir(parents=True)
    shutil.copy(domain.state, outside / "home" / "state.duckdb")
    for name in (CHECKPOINTS, PUBLIC_KEY):
        shutil.copy(domain.publish / name, outside / name)
    env = {**os.environ, "SLUICE_HOME": str(outside / "home"),
           "SLUICE_PUBLISH_DIR": str(outside / "nothing")}  # fmt: skip
    command = [str(Path(sys.executable).parent / "sluice"), "audit", "verify",
               "--checkpoints", str(outside / CHECKPOINTS)]  # fmt: skip
    good = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    assert "2 signed checkpoint(s) agree" in good.stdout
    con = duckdb.connect(str(outside / "home" / "state.duckdb"))
    con.execute("UPDATE audit_log SET counts = '{\"rows\": 99}' WHERE seq = 2")
    con.close()
    bad = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "rewritten" in bad.stderr or "altered" in bad.stderr
