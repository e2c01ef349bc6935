"""The privacy budget ledger (隐私预算): every differentially private release spends epsilon and
delta from its resource's budget, and a release that would exceed it is refused. Spends add up
(basic composition) and are never returned, so the spent total can only grow and never passes
the budget the resource's policy declares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from governance.duck import reading, select, transaction
from governance.errors import GovernanceError

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


class BudgetExceeded(GovernanceError):
    """A release would spend more than is left; nothing was spent."""


class BudgetLedger:
    """Spends per resource in domain/state.duckdb; each spend is one transaction."""

    def __init__(self, path: Path):
        self.path = path

    def balance(self, resource: str, epsilon: float, delta: float) -> Balance:
        """The resource's balance against a budget of (epsilon, delta)."""
        with reading(self.path, SCHEMA, ["budget_spends"]) as con:
            return _balance(con, resource, epsilon, delta)

    def spend(
        self,
        resource: str,
        product: str,
        cost: tuple[float, float],
        budget: tuple[float, float],
        at: dt.datetime,
        note: str | None = None,
    ) -> Balance:
        """Record a spend of `cost` = (epsilon, delta), or raise BudgetExceeded and record
        nothing when it does not fit in what `budget` leaves; returns the new balance."""
        epsilon, delta = cost
        if epsilon < 0 or delta < 0:
            raise GovernanceError("a spend cannot be negative")
        with transaction(self.path, SCHEMA) as con:
            before = _balance(con, resource, *budget)
            if before.spent_epsilon + epsilon > budget[0] * (
                1 + _SLACK
            ) or before.spent_delta + delta > budget[1] * (1 + _SLACK):
                raise BudgetExceeded(
                    f"{product}: the release would spend epsilon {epsilon:g} and delta "
                    f"{delta:g}, but the budget of resource '{resource}' has epsilon "
                    f"{before.left_epsilon:g} and delta {before.left_delta:g} left (of "
                    f"{budget[0]:g} and {budget[1]:g}); lower the product's epsilon or raise "
                    "the resource's privacy_budget"
                )
            found = con.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM budget_spends WHERE resource_id = ?",
                [resource],
            ).fetchone()
            con.execute(
                "INSERT INTO budget_spends VALUES (?, ?, ?, ?, ?, ?, ?)",
                [resource, found[0] if found else 1, product, epsilon, delta, at, note],
            )
            return _balance(con, resource, *budget)

    def spends(self, resource: str | None = None) -> list[dict]:
        """Every spend, oldest first."""
        where = "WHERE resource_id = ?" if resource else ""
        with reading(self.path, SCHEMA, ["budget_spends"]) as con:
            return select(
                con,
                f"SELECT * FROM budget_spends {where} ORDER BY resource_id, seq",
                [resource] if resource else [],
            )


def _balance(
    con: duckdb.DuckDBPyConnection, resource: str, epsilon: float, delta: float
) -> Balance:
    row = con.execute(
        "SELECT coalesce(sum(epsilon), 0), coalesce(sum(delta), 0) FROM budget_spends "
        "WHERE resource_id = ?",
        [resource],
    ).fetchone()
    return Balance(resource, epsilon, delta, float(row[0]), float(row[1]))
