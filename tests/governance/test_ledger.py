"""The release ledger keeps what every live version reveals: a newer version retires the older
one's footprint, a withdrawal retires the rest, and the audit reads the live parts of the
same resource and basis, with the superseded tables still counted: those of a product live on
the same basis (its readers keep them), never those of an earlier delivery."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from governance.ledger import ReleaseLedger

AT = dt.datetime(2026, 6, 30, 12, 0)


def cells(values: list[int]) -> pa.Table:
    n = len(values)
    return pa.table(
        {
            "part": [0] * n,
            "row": list(range(n)),
            "family": ["people"] * n,
            "additive": [True] * n,
            "dims": [["city"]] * n,
            "key": [[f"c{i}"] for i in range(n)],
            "published": [float(v) if v >= 10 else None for v in values],
            "truth": [float(v) for v in values],
            "suppressed": [v < 10 for v in values],
            "threshold": [10] * n,
            "width": [4.0] * n,
        }
    )


def part(resource: str = "r", basis: str = "b") -> dict:
    return {"part": 0, "resource": resource, "form": "cells", "basis": basis, "summary": {}}


def test_a_new_version_supersedes_and_a_withdrawal_retires(tmp_path):
    ledger = ReleaseLedger(tmp_path / "state.duckdb")
    ledger.record("a", 1, [part()], cells([12, 3]), AT)
    ledger.record("a", 2, [part()], cells([12, 3, 15]), AT)
    live = ledger.parts("r")
    assert [(p["product_id"], p["version"], p["cells"], p["hidden"]) for p in live] == [
        ("a", 2, 3, 1)
    ]
    every = {p["version"]: p["retired_why"] for p in ledger.parts("r", retired=True)}
    assert every == {1: "superseded by v2", 2: None}
    assert ledger.retire("a", "withdrawn: term ended", AT) == 1
    assert ledger.parts("r") == []
    with duckdb.connect(str(tmp_path / "state.duckdb"), read_only=True) as con:
        kept = con.execute("SELECT count(*) FROM release_cells").fetchone()
    assert kept == (5,)  # retired footprints stay on record


def test_the_audit_reads_live_parts_of_its_resource_and_basis_only(tmp_path):
    ledger = ReleaseLedger(tmp_path / "state.duckdb")
    ledger.record("a", 1, [part()], cells([12, 3]), AT)
    ledger.record("b", 1, [part(basis="other")], cells([20]), AT)
    ledger.record("c", 1, [part(resource="s")], cells([30]), AT)
    ledger.record("d", 1, [part()], cells([40, 2]), AT)
    found = ledger.live_cells("r", "b")
    assert found.column("product").to_pylist() == ["a v1"] * 2 + ["d v1"] * 2
    assert found.column("truth").to_pylist() == [12.0, 3.0, 40.0, 2.0]
    assert ledger.resources() == ["r", "s"]


def test_a_superseded_table_counts_while_its_product_is_live_on_the_same_basis(tmp_path):
    ledger = ReleaseLedger(tmp_path / "state.duckdb")
    ledger.record("a", 1, [part()], cells([12, 4]), AT)
    ledger.record("a", 2, [part()], cells([11, 5]), AT)  # a correction of the same delivery
    counted = ledger.live_cells("r", "b")
    assert counted.column("product").to_pylist() == ["a v1", "a v1", "a v2", "a v2"]
    shown = [
        (p["version"], p["retired_why"], p["counted"]) for p in ledger.parts("r", counted=True)
    ]
    assert shown == [(1, "superseded by v2", True), (2, None, True)]
    assert [p["version"] for p in ledger.parts("r")] == [2]  # live only

    ledger.record("a", 3, [part(basis="next")], cells([30, 6]), AT)  # the next delivery
    assert ledger.live_cells("r", "b").num_rows == 0
    assert ledger.live_cells("r", "next").column("product").to_pylist() == ["a v3"] * 2
    assert [p["counted"] for p in ledger.parts("r", retired=True)] == [False, False, True]

    ledger.record("a", 4, [part(basis="next")], cells([31, 5]), AT)
    ledger.retire("a", "withdrawn: term ended", AT)
    assert ledger.live_cells("r", "next").num_rows == 0  # a withdrawn product counts no more


def test_reading_an_empty_domain_writes_nothing(tmp_path):
    ledger = ReleaseLedger(tmp_path / "state.duckdb")
    assert ledger.parts("r") == [] and ledger.live_cells("r", "b").num_rows == 0
    assert not (tmp_path / "state.duckdb").exists()


def test_a_second_read_sees_whatever_was_recorded_since_by_anyone(tmp_path):
    ledger = ReleaseLedger(tmp_path / "state.duckdb")
    ledger.record("a", 1, [part()], cells([12, 3]), AT)
    first = ledger.live_cells("r", "b")
    assert ledger.live_cells("r", "b").equals(first)  # nothing recorded since
    # another writer (another build, its own ledger object) records the same version again,
    # at the same time, with other cells; then a product of the resource is withdrawn
    ReleaseLedger(tmp_path / "state.duckdb").record("a", 1, [part()], cells([12, 4]), AT)
    assert ledger.live_cells("r", "b").column("truth").to_pylist() == [12.0, 4.0]
    ReleaseLedger(tmp_path / "state.duckdb").retire("a", "withdrawn: term ended", AT)
    assert ledger.live_cells("r", "b").num_rows == 0
