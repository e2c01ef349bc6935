"""The registry in a throwaway state.duckdb: first registration, unchanged, change, cancellation,
the one-datum-one-source rule refusing a second department without writing anything, and the
privacy budget fixed at registration and changed only by an event with a reason."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import duckdb
import pytest

from governance.registry import (
    Budget,
    NotRegistered,
    Registration,
    RegistrationConflict,
    RegistryError,
    RegistryStore,
    Submission,
    cancel,
    change_budget,
    is_valid_code,
    register,
)
from governance.registry.store import SCHEMA as TABLES

HEALTH = "浙江省卫生健康委员会"
SCHEMA = [{"name": "patient_id", "type": "string"}, {"name": "age", "type": "integer"}]
MARKET = "浙江省市场监督管理局"
T0 = dt.datetime(2026, 1, 1, 8, 0)


def submission(resource_id: str = "visits", department: str = HEALTH, **changes) -> Submission:
    base = Submission(
        resource_id=resource_id,
        title="门诊记录",
        department=department,
        format="csv",
        location=f"/domain/raw/{resource_id}.csv",
        row_count=3,
        content_sha256=("a1b2c3d4" * 8) if resource_id == "visits" else resource_id.ljust(64, "0"),
        schema={
            "declared": [
                {"name": "patient_id", "type": "string"},
                {"name": "age", "type": "integer"},
            ],
            "physical": ["patient_id", "age"],
        },
        classification={"resource": resource_id, "table_grade": "general-3", "columns": []},
        table_grade="general-3",
        update_frequency="weekly",
        supply_modes=["open"],
        policy_path="policies/visits.yaml",
        policy_sha256="0" * 64,
    )
    return replace(base, **changes)


@pytest.fixture
def store(tmp_path) -> RegistryStore:
    return RegistryStore(tmp_path / "state.duckdb")


def test_first_registration_is_version_1_with_a_valid_code(store):
    [outcome] = register(store, [submission()], now=T0)
    assert outcome.event == "registered"
    current = store.get("visits")
    assert current is not None and current.version == 1 and current.status == "registered"
    assert is_valid_code(current.code) and current.code.startswith("SLR-")
    assert current.submission == submission()
    [event] = store.events("visits")
    assert (event.version, event.event, event.code) == (1, "registered", current.code)
    assert event.snapshot["content_sha256"] == submission().content_sha256


def test_unchanged_registration_writes_nothing(store):
    register(store, [submission()], now=T0)
    later = T0 + dt.timedelta(days=1)
    [outcome] = register(store, [replace(submission(), policy_sha256="f" * 64)], now=later)
    assert outcome.event == "unchanged" and outcome.registration.version == 1
    assert len(store.events("visits")) == 1
    current = store.get("visits")
    assert current is not None and current.updated_at == T0


def test_a_change_gives_a_new_version_and_keeps_history(store):
    register(store, [submission()], now=T0)
    changed = submission(
        content_sha256="c3d4e5f6" * 8,
        row_count=4,
        table_grade="general-4",
        schema={
            "declared": [
                {"name": "patient_id", "type": "string"},
                {"name": "age", "type": "float"},
            ],
            "physical": ["patient_id", "age"],
        },
    )
    [outcome] = register(store, [changed], now=T0 + dt.timedelta(hours=1))
    assert outcome.event == "changed" and outcome.registration.version == 2
    assert outcome.changes == [
        "content sha256 a1b2c3d4..→c3d4e5f6..",
        "rows 3→4",
        "column types: age integer→float",
        "grade general-3→general-4",
    ]
    first, second = store.events("visits")
    assert (first.version, second.version) == (1, 2)
    assert second.changes == "; ".join(outcome.changes)
    assert first.snapshot["row_count"] == 3 and second.snapshot["row_count"] == 4
    assert first.code == second.code == outcome.registration.code
    current = store.get("visits")
    assert current is not None and current.registered_at == T0 and current.status == "changed"


def test_codes_are_stable_across_versions_and_unique_across_resources(store):
    register(store, [submission(), submission("permits", MARKET)], now=T0)
    codes = {r.resource_id: r.code for r in store.registrations()}
    register(store, [submission(row_count=9, content_sha256="9" * 64)])
    cancel(store, "visits", "replaced")
    register(store, [submission(row_count=9, content_sha256="9" * 64)])
    assert {e.code for e in store.events("visits")} == {codes["visits"]}
    assert len(set(codes.values())) == 2
    assert codes["visits"].split("-")[1] != codes["permits"].split("-")[1]


def test_same_resource_by_another_department_is_refused_and_nothing_written(store):
    register(store, [submission()], now=T0)
    before = (store.registrations(), store.events())
    with pytest.raises(RegistrationConflict) as info:
        register(store, [submission("permits", MARKET), submission(department=MARKET)])
    message = str(info.value)
    assert f"resource 'visits' is already registered by {HEALTH}" in message
    assert f"{MARKET} cannot register the same data item (one datum, one source)" in message
    assert (store.registrations(), store.events()) == before


def test_same_content_under_another_id_by_another_department_is_refused(store):
    register(store, [submission()], now=T0)
    twin = submission("clinic_visits", MARKET, content_sha256=submission().content_sha256)
    with pytest.raises(RegistrationConflict, match=r"same content .* as resource 'visits'"):
        register(store, [twin])
    assert store.get("clinic_visits") is None
    same_owner = replace(twin, department=HEALTH)
    assert register(store, [same_owner])[0].event == "registered"
    cancel(store, "visits", "moved")
    cancel(store, "clinic_visits", "moved")
    [outcome] = register(store, [replace(twin, resource_id="other_visits")])
    assert outcome.event == "registered"


def test_cancellation_then_registration_again(store):
    register(store, [submission()], now=T0)
    cancelled = cancel(store, "visits", "delivery stopped", now=T0 + dt.timedelta(days=1))
    assert (cancelled.status, cancelled.version, cancelled.reason) == (
        "cancelled",
        1,
        "delivery stopped",
    )
    with pytest.raises(RegistryError, match="already cancelled"):
        cancel(store, "visits", "again")
    with pytest.raises(RegistryError, match="needs a reason"):
        cancel(store, "visits", "  ")
    [outcome] = register(store, [submission()])
    assert (outcome.event, outcome.registration.version) == ("registered", 2)
    assert outcome.changes == ["registered again after cancellation"]
    assert [(e.version, e.event) for e in store.events("visits")] == [
        (1, "registered"),
        (1, "cancelled"),
        (2, "registered"),
    ]


def test_unknown_resource_names_the_registered_ones(store):
    register(store, [submission(), submission("permits", MARKET)])
    with pytest.raises(
        NotRegistered, match="resource 'x' is not registered; registered: permits, visits"
    ):
        cancel(store, "x", "reason")


def test_reading_an_empty_registry_creates_no_database(tmp_path):
    store = RegistryStore(tmp_path / "state.duckdb")
    assert store.registrations() == [] and store.events() == [] and store.get("x") is None
    assert not store.path.exists()


BUDGET = Budget(10.0, 1e-4)


def budgeted(resource_id: str = "visits", budget: Budget | None = BUDGET, **changes) -> Submission:
    return replace(submission(resource_id, **changes), privacy_budget=budget)


def test_the_first_registration_fixes_the_budget_and_a_policy_cannot_move_it(store):
    [first] = register(store, [budgeted()], now=T0)
    assert first.changes == ["privacy budget fixed at epsilon 10, delta 0.0001"]
    raised = budgeted(budget=Budget(20.0, 1e-4), policy_sha256="e" * 64)
    [again] = register(store, [raised], now=T0 + dt.timedelta(days=1))
    assert again.event == "unchanged" and store.get("visits").budget == BUDGET
    [note] = again.notes
    assert "declares privacy budget epsilon 20, delta 0.0001" in note
    assert "registered budget is epsilon 10, delta 0.0001" in note
    assert "`sluice registry budget visits --epsilon 20 --delta 0.0001 --reason TEXT`" in note
    [changed] = register(store, [replace(raised, row_count=4, content_sha256="4" * 64)])
    assert changed.event == "changed" and changed.registration.budget == BUDGET
    assert [e.snapshot["budget_epsilon"] for e in store.events("visits")] == [10.0, 10.0]


def test_a_registration_from_before_budgets_is_fixed_by_the_next_registration(store):
    register(store, [budgeted(budget=None)], now=T0)
    assert store.get("visits").budget is None
    [outcome] = register(store, [budgeted()], now=T0 + dt.timedelta(days=1))
    assert outcome.event == "changed"
    assert outcome.changes == ["privacy budget fixed at epsilon 10, delta 0.0001"]
    assert store.get("visits").budget == BUDGET


def test_cancelling_and_registering_again_keeps_the_budget(store):
    register(store, [budgeted()], now=T0)
    cancel(store, "visits", "start over")
    [outcome] = register(store, [budgeted(budget=Budget(99.0, 0.5))])
    assert outcome.event == "registered" and outcome.registration.budget == BUDGET
    assert outcome.notes


def test_a_budget_change_is_an_event_with_its_reason(store):
    register(store, [budgeted()], now=T0)
    with pytest.raises(RegistryError, match="needs a reason"):
        change_budget(store, "visits", Budget(12.0, 1e-4), " ")
    with pytest.raises(RegistryError, match="already"):
        change_budget(store, "visits", BUDGET, "no change")
    with pytest.raises(RegistryError, match="epsilon is above 0"):
        change_budget(store, "visits", Budget(0.0, 1e-4), "none at all")
    with pytest.raises(NotRegistered):
        change_budget(store, "x", BUDGET, "unknown")
    later = T0 + dt.timedelta(days=3)
    changed, change = change_budget(
        store, "visits", Budget(12.0, 1e-4), "second release year approved", now=later
    )
    assert change == "privacy budget epsilon 10, delta 0.0001→epsilon 12, delta 0.0001"
    assert (changed.version, changed.status, changed.budget) == (2, "changed", Budget(12.0, 1e-4))
    last = store.events("visits")[-1]
    assert (last.event, last.changes, last.reason) == ("changed", change, changed.reason)
    assert last.occurred_at == later and last.snapshot["budget_epsilon"] == 12.0
    cancel(store, "visits", "gone")
    with pytest.raises(RegistryError, match="was cancelled"):
        change_budget(store, "visits", Budget(50.0, 1e-4), "while cancelled")


def test_data_with_a_fixed_budget_cannot_start_afresh_under_another_id(store):
    register(store, [budgeted()], now=T0)
    register(store, [budgeted(row_count=5, content_sha256="5" * 64)])  # the next delivery
    for old in (submission().content_sha256, "5" * 64):
        twin = budgeted("visits_again", content_sha256=old)
        with pytest.raises(RegistrationConflict, match="start a fresh budget"):
            register(store, [twin])
    cancel(store, "visits", "renamed")
    with pytest.raises(RegistrationConflict, match="register it as 'visits'"):
        register(store, [budgeted("visits_again", content_sha256="5" * 64)])
    assert store.get("visits_again") is None


def test_a_registry_written_before_budgets_gains_them(tmp_path):
    path = tmp_path / "state.duckdb"
    old = TABLES.split("ALTER TABLE")[0]
    row = _row()
    with duckdb.connect(str(path)) as con:
        con.execute(old)
        marks = ", ".join("?" for _ in row)
        values = [json.dumps(v) if k in ("schema", "classification") else v for k, v in row.items()]
        con.execute(f"INSERT INTO registrations ({', '.join(row)}) VALUES ({marks})", values)
    store = RegistryStore(path)
    assert store.get("visits").budget is None
    [outcome] = register(store, [budgeted()])
    assert outcome.event == "changed" and store.get("visits").budget == BUDGET


def _row() -> dict:
    """A registrations row as the registry wrote it before budgets were registered."""
    found = Registration("SLR-X", 1, "registered", submission(), T0, T0).row()
    return {k: v for k, v in found.items() if not k.startswith("budget_")}
