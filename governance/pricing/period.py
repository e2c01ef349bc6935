"""Billing periods (结算周期): a month, a quarter or a year, as an authorization's revenue cap
counts them; written 2026-03, 2026-Q1 or 2026."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from governance.errors import GovernanceError

Length = Literal["month", "quarter", "year"]
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
WRITTEN: dict[str, str] = {"month": "YYYY-MM", "quarter": "YYYY-QN", "year": "YYYY"}
LABELS: dict[str, str] = {
    "month": "{year}-{index:02d}",
    "quarter": "{year}-Q{index}",
    "year": "{year}",
}
_FORMS = (
    (re.compile(r"(\d{4})-(0[1-9]|1[0-2])"), "month"),
    (re.compile(r"(\d{4})-Q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})()"), "year"),
)


@dataclass(frozen=True, order=True)
class Period:
    """One billing period: `index` is the month (1-12), the quarter (1-4), or 1 for a year."""

    year: int
    index: int
    length: Length

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period as written; a GovernanceError that shows the three forms otherwise.

        >>> Period.parse("2026-Q1").start, Period.parse("2026-Q1").end
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
        """
        for pattern, length in _FORMS:
            found = pattern.fullmatch(text.strip())
            if found:
                return cls(int(found[1]), int(found[2] or 1), length)  # type: ignore[arg-type]
        raise GovernanceError(
            f"period '{text}' is not a billing period: write a quarter as YYYY-QN (2026-Q1), "
            "a month as YYYY-MM (2026-03) or a year as YYYY (2026)"
        )

    @classmethod
    def of(cls, length: Length, day: dt.date) -> Period:
        """The period of `length` that contains `day`."""
        return cls(day.year, (day.month - 1) // MONTHS[length] + 1, length)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.index - 1) * MONTHS[self.length] + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        per_year = 12 // MONTHS[self.length]
        if self.index < per_year:
            return Period(self.year, self.index + 1, self.length)
        return Period(self.year + 1, 1, self.length)

    def __str__(self) -> str:
        return LABELS[self.length].format(year=self.year, index=self.index)

    def since(self, first: dt.date) -> list[Period]:
        """The periods of this length from the one containing `first` up to this one."""
        periods, at = [], Period.of(self.length, first)
        while at <= self:
            periods.append(at)
            at = at.next()
        return periods
