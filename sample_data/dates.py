"""Date arithmetic on numpy datetime64[D] arrays, always relative to a fixed reference date.

Faker's date helpers use today's date, which breaks byte-identical reruns; everything here is a pure
function of the reference date and the random generator.
"""

from __future__ import annotations

import datetime as dt

import numpy as np


def ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day integer arrays of a datetime64[D] array."""
    dates = dates.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    d = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


def shift_years(day: dt.date, years: int) -> dt.date:
    """Same calendar day `years` later (Feb 29 falls back to Feb 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birth_dates(
    rng: np.random.Generator, at: dt.date, ages: np.ndarray, age_weights: np.ndarray, n: int
) -> np.ndarray:
    """Birth dates such that the exact age at `at` follows the given distribution over `ages`."""
    p = np.asarray(age_weights, dtype=float)
    age = np.asarray(ages)[rng.choice(len(ages), size=n, p=p / p.sum())]
    # latest birth date for age a is at - a years; earliest is at - (a + 1) years + 1 day
    latest = np.array([np.datetime64(shift_years(at, -int(a)), "D") for a in ages])
    earliest = np.array([np.datetime64(shift_years(at, -int(a) - 1), "D") for a in ages]) + 1
    pos = np.searchsorted(np.asarray(ages), age)
    span = (latest[pos] - earliest[pos]).astype(np.int64) + 1
    offset = (rng.random(n) * span).astype(np.int64)
    return earliest[pos] + offset


def age_at(birth: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Completed years of age at the dates `at` (vectorised, birthday counts as completed)."""
    by, bm, bd = ymd(birth)
    ay, am, ad = ymd(at)
    before = (am < bm) | ((am == bm) & (ad < bd))
    return ay - by - before.astype(np.int64)


def days_in_year(year: int) -> np.ndarray:
    """All dates of a calendar year as datetime64[D]."""
    return np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))


def weighted_days(rng: np.random.Generator, year: int, n: int, weekend: float) -> np.ndarray:
    """Dates within `year`, weekend days `weekend` times as likely as weekdays."""
    days = days_in_year(year)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    w = np.where(weekday >= 5, weekend, 1.0)
    return days[rng.choice(len(days), size=n, p=w / w.sum())]
