"""The privacy budget ledger: no sequence of releases spends more than the registered budget,
a policy's own figure is never used, and a budget changed in the registry keeps every spend."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.budget import (
    BudgetDisagrees,
    BudgetExceeded,
    BudgetLedger,
    BudgetNotRegistered,
)
from governance.registry import Budget, RegistryStore, change_budget, register
from tests.governance.test_registry_store import submission

AT = dt.datetime(2026, 7, 1)
BUDGET = Budget(3.0, 1e-5)

spends = st.lists(
    st.tuples(
        st.sampled_from(["social_insurance", "hospital_visits"]),
        st.floats(0.01, 2.0),
        st.sampled_from([0.0, 1e-7, 1e-6, 4e-6]),
    ),
    max_size=12,
)


def registered(path, *resources: str, budget: Budget | None = BUDGET) -> BudgetLedger:
    """A ledger whose resources are registered with `budget`."""
    store = RegistryStore(path)
    register(
        store,
        [replace(submission(r), content_sha256=r.ljust(64, "0"), privacy_budget=budget)
         for r in resources],
    )  # fmt: skip
    return BudgetLedger(path)


@settings(max_examples=15, deadline=None)
@given(sequence=spends)
def test_the_spent_budget_never_exceeds_the_budget(tmp_path_factory, sequence) -> None:
    path = tmp_path_factory.mktemp("ledger") / "state.duckdb"
    ledger = registered(path, "social_insurance", "hospital_visits")
    accepted: dict[str, list[tuple[float, float]]] = {}
    for resource, epsilon, delta in sequence:
        before = ledger.balance(resource)
        try:
            after = ledger.spend(resource, "p", (epsilon, delta), AT)
        except BudgetExceeded as refused:
            assert ledger.balance(resource) == before  # nothing was spent
            assert before.spent_epsilon + epsilon > BUDGET.epsilon - 1e-9 or (
                before.spent_delta + delta > BUDGET.delta - 1e-18
            )
            assert resource in str(refused)
            continue
        accepted.setdefault(resource, []).append((epsilon, delta))
        assert after.spent_epsilon == pytest.approx(before.spent_epsilon + epsilon)
        assert after.spent_epsilon <= BUDGET.epsilon * (1 + 1e-9)
        assert after.spent_delta <= BUDGET.delta * (1 + 1e-9)
    for resource, made in accepted.items():
        total = sum(e for e, _ in made)
        assert total <= BUDGET.epsilon * (1 + 1e-9)
        assert ledger.balance(resource).spent_epsilon == pytest.approx(total)
        assert len(ledger.spends(resource)) == len(made)


def test_a_spend_that_fits_exactly_is_accepted(tmp_path) -> None:
    ledger = registered(tmp_path / "state.duckdb", "r")
    for _ in range(3):
        ledger.spend("r", "p", (1.0, 0.0), AT)
    with pytest.raises(BudgetExceeded, match="epsilon 0 and delta 1e-05 left"):
        ledger.spend("r", "p", (0.001, 0.0), AT)
    assert ledger.balance("r").left_epsilon == 0.0


def test_an_unregistered_budget_is_never_spent(tmp_path) -> None:
    ledger = BudgetLedger(tmp_path / "state.duckdb")
    with pytest.raises(BudgetNotRegistered, match="no registered privacy budget"):
        ledger.spend("r", "p", (0.1, 0.0), AT, declared=Budget(100.0, 0.1))
    registered(tmp_path / "state.duckdb", "r", budget=None)
    with pytest.raises(BudgetNotRegistered):
        ledger.spend("r", "p", (0.1, 0.0), AT)
    assert ledger.spends() == []


def test_a_policy_stating_another_budget_spends_nothing(tmp_path) -> None:
    ledger = registered(tmp_path / "state.duckdb", "r")
    with pytest.raises(BudgetDisagrees) as refused:
        ledger.spend("r", "p", (0.1, 0.0), AT, declared=Budget(30.0, 1e-5))
    message = str(refused.value)
    assert "privacy_budget epsilon 30, delta 1e-05" in message
    assert "registered budget is epsilon 3, delta 1e-05" in message
    assert "`sluice registry budget r --epsilon 30 --delta 1e-05 --reason TEXT`" in message
    assert ledger.spends("r") == []
    ledger.spend("r", "p", (0.1, 0.0), AT, declared=Budget(3.0, 1e-5))  # the same: spent
    assert len(ledger.spends("r")) == 1


def test_a_changed_budget_remembers_every_spend(tmp_path) -> None:
    path = tmp_path / "state.duckdb"
    ledger = registered(path, "r")
    ledger.spend("r", "p", (2.5, 0.0), AT)
    store = RegistryStore(path)
    change_budget(store, "r", Budget(4.0, 1e-5), "a second year of releases agreed")
    assert ledger.balance("r").left_epsilon == pytest.approx(1.5)
    with pytest.raises(BudgetExceeded):
        ledger.spend("r", "p", (2.0, 0.0), AT)
    change_budget(store, "r", Budget(1.0, 1e-5), "the data turned out more sensitive")
    balance = ledger.balance("r")
    assert (balance.spent_epsilon, balance.left_epsilon) == (2.5, 0.0)
    with pytest.raises(BudgetExceeded):
        ledger.spend("r", "p", (0.01, 0.0), AT)
