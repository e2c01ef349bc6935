"""Revenue above the cap carried forward (超收结转): the maximum allowed revenue of a period
(最高准许收入) less what the previous periods took above theirs.

Worked from the authorization's first period on: a period's effective cap is the revenue cap
minus the excess carried in (never below 0); its excess is what it took above that effective
cap; what it carries on is its excess plus whatever of the carried-in excess one period's cap
could not absorb."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodCap:
    """One period's revenue against its cap."""

    period: str
    revenue: float
    revenue_cap: float
    """最高准许收入"""
    deducted: float
    """上期超收扣减: the carried-in excess taken off this period's cap."""
    effective: float
    """本期可收上限"""
    carried: float
    """超收结转: carried to the next period."""

    @property
    def excess(self) -> float:
        return round(max(0.0, self.revenue - self.effective), 2)


def carry_forward(revenue_cap: float, revenues: Sequence[tuple[str, float]]) -> list[PeriodCap]:
    """Each period's cap figures, given its revenue, oldest first.

    >>> caps = carry_forward(100, [("Q1", 250), ("Q2", 0), ("Q3", 30)])
    >>> [(c.deducted, c.effective, c.carried) for c in caps]
    [(0.0, 100.0, 150.0), (100.0, 0.0, 50.0), (50.0, 50.0, 0.0)]
    """
    found: list[PeriodCap] = []
    revenue_cap, carried_in = float(revenue_cap), 0.0
    for period, revenue in revenues:
        deducted = min(carried_in, revenue_cap)
        effective = round(revenue_cap - deducted, 2)
        excess = max(0.0, revenue - effective)
        carried = round(carried_in - deducted + excess, 2)
        found.append(PeriodCap(period, revenue, revenue_cap, deducted, effective, carried))
        carried_in = carried
    return found
