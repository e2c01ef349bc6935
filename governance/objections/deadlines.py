"""When an objection must be answered: a number of working days (Monday to Friday) after the
day it was filed."""

from __future__ import annotations

import datetime as dt

DEFAULT_WORKING_DAYS = 15


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`; Saturdays and Sundays are not counted.

    >>> working_days_after(dt.date(2026, 7, 3), 1)  # a Friday: the next working day is Monday
    datetime.date(2026, 7, 6)
    >>> working_days_after(dt.date(2026, 7, 1), 15)
    datetime.date(2026, 7, 22)
    """
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
