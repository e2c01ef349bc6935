"""The privacy budget ledger (隐私预算): every differentially private release spends epsilon and
delta from its resource's budget, and a release that would exceed it is refused. Spends add up
(basic composition) and are never returned, so the spent total can only grow.

The budget is the one the registry fixed for the resource, never the one a policy file states:
editing a file raises nothing. A spend is refused when the resource has no registered budget, or
when the policy the build runs from states another one (the two must agree, so no one reads a
budget in a policy that is not the one in force). The balance is always the registered budget
minus every spend ever made: a budget changed in the registry keeps what was spent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from governance.duck import reading, select, transaction
from governance.errors import GovernanceError
from governance.registry import Budget, RegistryStore
from governance.registry.store import SCHEMA as REGISTRY_SCHEMA

SCHEMA = """
CREATE TABLE IF NOT EXISTS budget_spends (
    resource_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    product_id TEXT NOT NULL,
    epsilon DOUBLE NOT NULL,
    delta DOUBLE NOT NULL,
    spent_at TIMESTAMP NOT NULL,
    note TEXT,
    PRIMARY KEY (resource_id, seq)
);
"""
#: Float slack when comparing sums, so a budget spent in exact shares is not refused by rounding.
_SLACK = 1e-12


@dataclass(frozen=True)
class Balance:
    """A resource's budget, what has been spent and what is left."""

    resource: str
    epsilon: float
    delta: float
    spent_epsilon: float
    spent_delta: float

    @property
    def left_epsilon(self) -> float:
        return max(self.epsilon - self.spent_epsilon, 0.0)

    @property
    def left_delta(self) -> float:
        return max(self.delta - self.spent_delta, 0.0)

    def as_dict(self) -> dict[str, float | str]:
        return {
            "resource": self.resource,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "spent_epsilon": self.spent_epsilon,
            "spent_delta": self.spent_delta,
            "left_epsilon": self.left_epsilon,
            "left_delta": self.left_delta,
        }


class BudgetRefused(GovernanceError):
    """A release the ledger will not pay for; nothing was spent."""


class BudgetExceeded(BudgetRefused):
    """A release would spend more than is left."""


class BudgetNotRegistered(BudgetRefused):
    """The resource has no registered budget to spend from."""


class BudgetDisagrees(BudgetRefused):
    """The policy states a budget other than the registered one."""


class BudgetLedger:
    """Spends per resource in domain/state.duckdb, against the budget the registry holds;
    each spend is one transaction that reads the registered budget and writes the spend."""

    def __init__(self, path: Path):
        self.path = path

    def registered(self, resource: str) -> Budget | None:
        """The budget the registry fixed for `resource`, or None."""
        found = RegistryStore(self.path).get(resource)
        return found.budget if found else None

    def balance(self, resource: str) -> Balance:
        """The resource's registered budget, what has been spent and what is left."""
        budget = self.registered(resource)
        if budget is None:
            raise BudgetNotRegistered(_unregistered(resource))
        with reading(self.path, SCHEMA, ["budget_spends"]) as con:
            return _balance(con, resource, budget)

    def spend(
        self,
        resource: str,
        product: str,
        cost: tuple[float, float],
        at: dt.datetime,
        *,
        declared: Budget | None = None,
        note: str | None = None,
    ) -> Balance:
        """Record a spend of `cost` = (epsilon, delta) from the registered budget, or raise
        BudgetRefused and record nothing: no registered budget, a `declared` budget (the
        policy's) that is not it, or not enough left. Returns the new balance."""
        epsilon, delta = cost
        if epsilon < 0 or delta < 0:
            raise GovernanceError("a spend cannot be negative")
        with transaction(self.path, REGISTRY_SCHEMA + SCHEMA) as con:
            budget = _registered(con, resource)
            if budget is None:
                raise BudgetNotRegistered(_unregistered(resource))
            if declared is not None and not declared.same(budget):
                raise BudgetDisagrees(disagreement(resource, declared, budget))
            before = _balance(con, resource, budget)
            over = before.spent_epsilon + epsilon > budget.epsilon * (1 + _SLACK)
            if over or before.spent_delta + delta > budget.delta * (1 + _SLACK):
                raise BudgetExceeded(
                    f"{product}: the release would spend epsilon {epsilon:g} and delta "
                    f"{delta:g}, but the registered budget of resource '{resource}' has "
                    f"epsilon {before.left_epsilon:g} and delta {before.left_delta:g} left (of "
                    f"{budget.epsilon:g} and {budget.delta:g}); lower the product's epsilon, "
                    f"or change the budget: {_command(resource, budget)}"
                )
            found = con.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM budget_spends WHERE resource_id = ?",
                [resource],
            ).fetchone()
            con.execute(
                "INSERT INTO budget_spends VALUES (?, ?, ?, ?, ?, ?, ?)",
                [resource, found[0] if found else 1, product, epsilon, delta, at, note],
            )
            return _balance(con, resource, budget)

    def spends(self, resource: str | None = None) -> list[dict]:
        """Every spend, oldest first."""
        where = "WHERE resource_id = ?" if resource else ""
        with reading(self.path, SCHEMA, ["budget_spends"]) as con:
            return select(
                con,
                f"SELECT * FROM budget_spends {where} ORDER BY resource_id, seq",
                [resource] if resource else [],
            )


def disagreement(resource: str, declared: Budget, registered: Budget) -> str:
    """Why a policy's budget is not used: it is not the registered one; and how to change that."""
    return (
        f"the policy of resource '{resource}' states privacy_budget {declared}, but its "
        f"registered budget is {registered}; a budget is not changed by editing the policy: "
        f"put {registered} back in the policy, or change the registered budget with a reason: "
        f"{_command(resource, declared)}"
    )


def _command(resource: str, budget: Budget) -> str:
    return (
        f"`sluice registry budget {resource} --epsilon {budget.epsilon:g} "
        f"--delta {budget.delta:g} --reason TEXT`"
    )


def _unregistered(resource: str) -> str:
    return (
        f"resource '{resource}' has no registered privacy budget: a budget is fixed when the "
        "resource is registered; run `sluice register` on its policy to fix it at the "
        "policy's privacy_budget"
    )


def _registered(con: duckdb.DuckDBPyConnection, resource: str) -> Budget | None:
    row = con.execute(
        "SELECT budget_epsilon, budget_delta FROM registrations WHERE resource_id = ?",
        [resource],
    ).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return Budget(float(row[0]), float(row[1]))


def _balance(con: duckdb.DuckDBPyConnection, resource: str, budget: Budget) -> Balance:
    row = con.execute(
        "SELECT coalesce(sum(epsilon), 0), coalesce(sum(delta), 0) FROM budget_spends "
        "WHERE resource_id = ?",
        [resource],
    ).fetchone()
    spent = (float(row[0]), float(row[1])) if row else (0.0, 0.0)
    return Balance(resource, budget.epsilon, budget.delta, *spent)
