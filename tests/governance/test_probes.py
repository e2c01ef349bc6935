"""The enumeration history, the domain lock and appends inside a caller's transaction: distinct
claims counted over the window only, per operator and product; suspensions in force until
they lift; a lock held elsewhere refused after the wait with a clear message; nothing of a
rolled-back transaction left behind."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from governance import audit, probes, usage
from governance.audit import AuditLog, Entry
from governance.duck import transaction
from governance.lock import LockTimeout, held
from governance.probes import ProbeHistory, Suspension
from governance.usage import UsageLedger

DAY = dt.date(2026, 7, 1)
SCHEMAS = usage.SCHEMA + audit.SCHEMA + probes.SCHEMA


def table(names: tuple[str, ...], rows: tuple[tuple, ...]) -> pa.Table:
    types = {"key": pa.uint64(), "slot": pa.uint64(), "pair": pa.uint64(), "outcome": pa.uint8()}
    return pa.table(
        {n: pa.array([r[i] for r in rows], types.get(n, pa.string())) for i, n in enumerate(names)}
    )


MATCH, PROBE, INVALID = 0, 1, 2


def claims(*rows: tuple[int, int]) -> pa.Table:
    return table(("key", "outcome"), rows)


def values(*rows: tuple[int, int]) -> pa.Table:
    return table(("slot", "pair"), rows)


def add(history: ProbeHistory, day: dt.date, batch: int, c: pa.Table, v: pa.Table, **who) -> None:
    with transaction(history.path, SCHEMAS) as con:
        history.record_on(con, who.get("operator", "op"), who.get("product", "p"), day, batch, c, v)


def test_the_window_holds_its_days_of_one_operator_and_product(tmp_path: Path) -> None:
    history = ProbeHistory(tmp_path / "state.duckdb")
    a = claims((11, MATCH), (12, PROBE))
    add(history, DAY - dt.timedelta(days=40), 1, claims((19, PROBE)), values((9, 90)))
    add(history, DAY - dt.timedelta(days=2), 2, a, values((1, 101)))
    add(history, DAY, 3, claims((13, PROBE)), values((3, 103)))
    add(history, DAY, 4, a, values(), operator="other")
    add(history, DAY, 5, a, values(), product="other")
    seen = history.window("op", "p", DAY - dt.timedelta(days=29))
    assert seen.batches == 2
    got = sorted((r["key"], r["outcome"]) for r in seen.claims.to_pylist())
    assert got == [(11, MATCH), (12, PROBE), (13, PROBE)]
    assert sorted(r["pair"] for r in seen.values.to_pylist()) == [101, 103]
    with transaction(history.path, SCHEMAS) as con:
        history.forget_on(con, "op", "p", DAY - dt.timedelta(days=29))
    everything = history.window("op", "p", dt.date(2000, 1, 1))
    assert everything.batches == 2 and everything.values.num_rows == 2  # 40 days old: gone


def test_an_empty_domain_has_an_empty_window(tmp_path: Path) -> None:
    seen = ProbeHistory(tmp_path / "state.duckdb").window("op", "p", DAY)
    assert (seen.batches, seen.claims.num_rows, seen.values.num_rows) == (0, 0, 0)
    assert not (tmp_path / "state.duckdb").exists()  # looking writes nothing


def test_a_suspension_is_in_force_until_it_lifts(tmp_path: Path) -> None:
    history = ProbeHistory(tmp_path / "state.duckdb")
    until = DAY + dt.timedelta(days=30)
    with transaction(history.path, SCHEMAS) as con:
        history.suspend_on(con, "op", "p", Suspension(DAY, until, "max_probe_share", 7))
    assert history.suspension("op", "p", DAY) == Suspension(DAY, until, "max_probe_share", 7)
    assert history.suspension("op", "p", until - dt.timedelta(days=1)) is not None
    assert history.suspension("op", "p", until) is None
    assert history.suspension("op", "other", DAY) is None
    assert history.suspension("someone", "p", DAY) is None


def test_a_rolled_back_batch_leaves_no_charge_no_record_no_history(tmp_path: Path) -> None:
    state = tmp_path / "state.duckdb"
    log, ledger, history = AuditLog(state), UsageLedger(state), ProbeHistory(state)
    log.append(Entry(actor="op", action="verify"), dt.datetime(2026, 7, 1, 9))
    head = log.head.read_text()
    with pytest.raises(RuntimeError), transaction(state, SCHEMAS) as con:
        ledger.add_on(con, "op", "p", DAY, 100)
        stored = log.append_on(con, Entry(actor="op", action="verify"), dt.datetime(2026, 7, 1))
        history.record_on(con, "op", "p", DAY, stored.seq, claims((15, MATCH)), values())
        raise RuntimeError("the process dies here")
    assert ledger.used("op", DAY) == (0, 0)
    assert len(log.records()) == 1 and log.head.read_text() == head
    assert history.window("op", "p", DAY).batches == 0
    assert log.verify().intact


def test_a_held_lock_is_refused_after_the_wait_naming_its_holder(tmp_path: Path) -> None:
    lock = tmp_path / "domain" / "writer.lock"
    holding = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holding.stdout is not None and holding.stdout.readline().strip() == "held"
        with (
            pytest.raises(LockTimeout) as refused,
            held(lock, timeout=0.2, what="sluice verify", hint=" (wait longer: X)"),
        ):
            pass  # pragma: no cover
        message = str(refused.value)
        assert str(lock) in message and "for more than 0.2 s" in message
        assert f"sluice build (pid {holding.pid}, since " in message
        assert "(wait longer: X)" in message
    finally:
        holding.kill()
        holding.wait()
    # released when its holder died, and re-entrant in one process
    with held(lock, timeout=0.2, what="a"), held(lock, timeout=0.2, what="b"):
        pass


HOLDER = """
import sys, time
from pathlib import Path
from governance.lock import held
with held(Path(sys.argv[1]), timeout=5, what="sluice build"):
    print("held", flush=True)
    time.sleep(60)
"""
