"""An operator's statement for one billing period (结算单): its lines per authorization in
force, and each authorization's revenue cap worked forward from the first period of its term.

Everything comes from the metering rows (governance/pricing/metering.py) and the authorizations
the domain holds; the revenue cap is the authorization's as held now (an amendment re-states it
for every period)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from governance.authorization.store import AuthorizationStore, Held
from governance.errors import GovernanceError
from governance.pricing.carry import PeriodCap, carry_forward
from governance.pricing.charges import Line, lines
from governance.pricing.metering import deliveries
from governance.pricing.period import WRITTEN, Period

DEFAULT_LENGTH = "quarter"
"""The billing period of an authorization without a revenue cap."""


@dataclass(frozen=True)
class Account:
    """One authorization's part of a statement."""

    held: Held
    lines: list[Line]
    cap: PeriodCap | None
    """None when the authorization sets no revenue cap."""

    @property
    def total(self) -> float:
        return round(sum(line.charge for line in self.lines), 2)


@dataclass(frozen=True)
class Statement:
    operator: str
    operator_name: str
    period: Period
    accounts: list[Account]

    @property
    def total(self) -> float:
        return round(sum(a.total for a in self.accounts), 2)


def statement(state: Path, operator: str, written: str) -> Statement:
    """The statement of `operator` for the period `written` (2026-Q1, 2026-03, 2026); a
    GovernanceError for an unknown operator, a malformed period, a period of another length
    than its authorizations bill by, or one in which none of them is in force."""
    held = [h for h in AuthorizationStore(state).all() if h.authorization.operator.id == operator]
    if not held:
        known = sorted({h.authorization.operator.id for h in AuthorizationStore(state).all()})
        raise GovernanceError(
            f"unknown operator '{operator}': no authorization held by this domain names it "
            f"(operators: {', '.join(known) or 'none'})"
        )
    period = Period.parse(written)
    in_force = [h for h in held if _in_force(h, period)]
    if not in_force:
        terms = "; ".join(
            f"{h.id} {h.authorization.term.valid_from} to {h.authorization.term.valid_until}"
            f"{'' if h.ended_at is None else f', {h.status} on {h.ended_at:%Y-%m-%d}'}"
            for h in held
        )
        raise GovernanceError(
            f"no authorization of operator '{operator}' is in force in {period} ({terms})"
        )
    for h in in_force:
        length = _length(h)
        if period.length != length:
            raise GovernanceError(
                f"period {period} is a {period.length}, but {h.id} bills operator '{operator}' "
                f"by the {length}: write the period as {WRITTEN[length]}"
            )
    name = in_force[0].authorization.operator.name
    return Statement(operator, name, period, [_account(state, h, period) for h in in_force])


def _account(state: Path, held: Held, period: Period) -> Account:
    rows = deliveries(state, held.id, period.end)
    periods = period.since(held.authorization.term.valid_from)
    found = [lines(rows, p) for p in periods]
    cap = held.authorization.revenue_cap
    caps = None
    if cap is not None:
        revenues = [
            (str(p), round(sum(x.charge for x in f), 2))
            for p, f in zip(periods, found, strict=True)
        ]
        caps = carry_forward(cap.amount, revenues)[-1]
    return Account(held, found[-1], caps)


def _length(held: Held) -> str:
    cap = held.authorization.revenue_cap
    return cap.period if cap is not None else DEFAULT_LENGTH


def _in_force(held: Held, period: Period) -> bool:
    term = held.authorization.term
    ended = held.ended_at.date() if held.ended_at is not None else None
    return (
        term.valid_from <= period.end
        and term.valid_until >= period.start
        and (ended is None or ended >= period.start)
    )
