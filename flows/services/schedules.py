"""When a served domain builds on its own: a resource's products as often as its department
updates it (its `update_frequency`), at 02:00 China time, or when its policy's `schedule:` says.
A realtime resource is built every 15 minutes; an irregular or once-only one only on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from governance.policy.models import Policy
from governance.policy.resource import UpdateFrequency
from governance.policy.schedule import DEFAULT_TIMEZONE

CRONS: dict[str, str] = {
    "daily": "0 2 * * *",
    "weekly": "0 2 * * 1",
    "monthly": "0 2 1 * *",
    "quarterly": "0 2 1 1,4,7,10 *",
    "yearly": "0 2 1 1 *",
}
"""Cron by update frequency: at 02:00, after a working day's deliveries, before the next."""
REALTIME = dt.timedelta(minutes=15)
"""How often a realtime resource is built: a build takes seconds to minutes, so more often
would queue runs behind one another on the domain's writer lock."""
FREQUENCIES: tuple[UpdateFrequency, ...] = (
    "realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular", "once",
)  # fmt: skip
"""Most frequent first."""


@dataclass(frozen=True)
class Timing:
    """A deployment's schedule: a cron or an interval in a time zone, or neither (on demand)."""

    cron: str | None = None
    interval: dt.timedelta | None = None
    timezone: str = DEFAULT_TIMEZONE
    source: str = ""
    """Where it comes from: 'update_frequency: daily' or 'schedule'."""

    @property
    def on_demand(self) -> bool:
        return self.cron is None and self.interval is None

    def describe(self) -> str:
        if self.cron:
            return f"cron {self.cron} ({self.timezone})"
        if self.interval:
            return f"every {int(self.interval.total_seconds() // 60)} minutes"
        return "on demand"


def timing(policy: Policy) -> Timing:
    """The resource's schedule: its policy's `schedule:` if it has one, else by frequency."""
    if policy.schedule is not None:
        return Timing(policy.schedule.cron, None, policy.schedule.timezone, "schedule")
    return by_frequency(policy.resource.update_frequency)


def by_frequency(frequency: UpdateFrequency) -> Timing:
    source = f"update_frequency: {frequency}"
    if frequency == "realtime":
        return Timing(interval=REALTIME, source=source)
    return Timing(cron=CRONS.get(frequency), source=source)


def most_frequent(policies: Iterable[Policy]) -> Timing:
    """The schedule of a product drawing on several resources: that of its most often updated
    resource (the first of them on a tie), so it is never staler than its freshest input."""
    ordered = sorted(policies, key=lambda p: FREQUENCIES.index(p.resource.update_frequency))
    return timing(ordered[0]) if ordered else Timing(source="no resource")
