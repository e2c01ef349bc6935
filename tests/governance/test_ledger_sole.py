"""While a process holds the domain's writer lock nobody else records, so the live cells it read
(or worked out from its own recordings) still hold: it reads them without opening the state.
What it works out is what a fresh read finds, across versions, bases and product names that
sort around each other; a recording rolled back, or the lock let go and taken again, sends
it back to the state."""

from __future__ import annotations

import pyarrow as pa
import pytest

from governance import ledger as ledger_module
from governance.duck import transaction
from governance.ledger import SCHEMA, ReleaseLedger
from governance.lock import held
from tests.governance.test_ledger import AT, cells, part


def fresh(path) -> pa.Table:
    """The live cells as a process that never read them finds them."""
    saved = dict(ledger_module._READ)
    ledger_module._READ.clear()
    try:
        return ReleaseLedger(path).live_cells("r", "b")
    finally:
        ledger_module._READ.clear()
        ledger_module._READ.update(saved)


def no_state(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the state was opened")

    monkeypatch.setattr(ledger_module, "reading", refuse)


@pytest.fixture
def sole(tmp_path):
    ledger_module._READ.clear()
    lock = tmp_path / "writer.lock"
    with held(lock, timeout=1, what="test"):
        yield ReleaseLedger(tmp_path / "state.duckdb", writer=lock)
    ledger_module._READ.clear()


def record(ledger: ReleaseLedger, product: str, version: int, values: list[int], basis="b"):
    with transaction(ledger.path, SCHEMA) as con:
        ledger.record_on(con, product, version, [part(basis=basis)], cells(values), AT)


def test_a_second_read_under_the_writer_lock_does_not_open_the_state(sole, monkeypatch):
    record(sole, "a", 1, [12, 3])
    first = sole.live_cells("r", "b")
    no_state(monkeypatch)
    assert sole.live_cells("r", "b").equals(first)


@pytest.mark.parametrize(
    "steps",
    [
        [("m", 1, [12, 3], "b"), ("a", 1, [20, 4], "b"), ("z", 1, [11], "b")],
        [
            ("ab", 1, [12, 3], "b"),
            ("a", 1, [30], "b"),
            ("a_b", 1, [5, 40], "b"),
            ("a", 2, [31], "b"),
        ],
        [("a", 1, [12, 3], "b"), ("a", 2, [13, 3], "b"), ("a", 3, [14, 2], "b")],
        [("a", 1, [12, 3], "b"), ("c", 1, [9, 9], "b"), ("a", 2, [12, 4], "next")],
        [("t_1", 1, [12], "b"), ("t_10", 1, [3, 14], "b"), ("t_1", 2, [15, 16], "b")],
    ],
)
def test_what_it_works_out_from_its_own_recordings_is_what_a_fresh_read_finds(
    sole, monkeypatch, steps
):
    sole.live_cells("r", "b")
    for product, version, values, basis in steps:
        record(sole, product, version, values, basis)
        with monkeypatch.context() as patched:
            no_state(patched)
            worked_out = sole.live_cells("r", "b")
        assert worked_out.equals(fresh(sole.path)), (product, version, basis)


def test_a_recording_rolled_back_is_not_counted(sole):
    record(sole, "a", 1, [12, 3])
    sole.live_cells("r", "b")
    with pytest.raises(RuntimeError), transaction(sole.path, SCHEMA) as con:
        sole.record_on(con, "b", 1, [part()], cells([40, 2]), AT)
        raise RuntimeError("publication failed")
    found = sole.live_cells("r", "b")
    assert found.equals(fresh(sole.path))
    assert set(found.column("product").to_pylist()) == {"a v1"}


def test_after_letting_the_lock_go_it_reads_the_state_again(tmp_path):
    ledger_module._READ.clear()
    lock = tmp_path / "writer.lock"
    ours = ReleaseLedger(tmp_path / "state.duckdb", writer=lock)
    with held(lock, timeout=1, what="test"):
        record(ours, "a", 1, [12, 3])
        ours.live_cells("r", "b")
    # another writer, between two holdings of the lock, records the same version again
    ReleaseLedger(tmp_path / "state.duckdb").record("a", 1, [part()], cells([12, 5]), AT)
    with held(lock, timeout=1, what="test"):
        assert ours.live_cells("r", "b").column("truth").to_pylist() == [12.0, 5.0]
    ledger_module._READ.clear()
