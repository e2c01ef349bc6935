"""The privacy budget ledger: no sequence of releases spends more than the budget."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.budget import BudgetExceeded, BudgetLedger

AT = dt.datetime(2026, 7, 1)
BUDGET = (3.0, 1e-5)

spends = st.lists(
    st.tuples(
        st.sampled_from(["social_insurance", "hospital_visits"]),
        st.floats(0.01, 2.0),
        st.sampled_from([0.0, 1e-7, 1e-6, 4e-6]),
    ),
    max_size=12,
)


@settings(max_examples=15, deadline=None)
@given(sequence=spends)
def test_the_spent_budget_never_exceeds_the_budget(tmp_path_factory, sequence) -> None:
    ledger = BudgetLedger(tmp_path_factory.mktemp("ledger") / "state.duckdb")
    accepted: dict[str, list[tuple[float, float]]] = {}
    for resource, epsilon, delta in sequence:
        before = ledger.balance(resource, *BUDGET)
        try:
            after = ledger.spend(resource, "p", (epsilon, delta), BUDGET, AT)
        except BudgetExceeded as refused:
            assert ledger.balance(resource, *BUDGET) == before  # nothing was spent
            assert before.spent_epsilon + epsilon > BUDGET[0] - 1e-9 or (
                before.spent_delta + delta > BUDGET[1] - 1e-18
            )
            assert resource in str(refused)
            continue
        accepted.setdefault(resource, []).append((epsilon, delta))
        assert after.spent_epsilon == pytest.approx(before.spent_epsilon + epsilon)
        assert after.spent_epsilon <= BUDGET[0] * (1 + 1e-9)
        assert after.spent_delta <= BUDGET[1] * (1 + 1e-9)
    for resource, made in accepted.items():
        total = sum(e for e, _ in made)
        assert total <= BUDGET[0] * (1 + 1e-9)
        assert ledger.balance(resource, *BUDGET).spent_epsilon == pytest.approx(total)
        assert len(ledger.spends(resource)) == len(made)


def test_a_spend_that_fits_exactly_is_accepted(tmp_path) -> None:
    ledger = BudgetLedger(tmp_path / "state.duckdb")
    for _ in range(3):
        ledger.spend("r", "p", (1.0, 0.0), BUDGET, AT)
    with pytest.raises(BudgetExceeded, match="epsilon 0 and delta 1e-05 left"):
        ledger.spend("r", "p", (0.001, 0.0), BUDGET, AT)
    assert ledger.balance("r", *BUDGET).left_epsilon == 0.0
