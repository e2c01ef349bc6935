"""The one place that reads the clock: authorizations, quotas and the audit log ask it.

``SLUICE_TODAY`` (YYYY-MM-DD) pins the date, for reproducible runs and tests; the time of day
still comes from the clock, so audit records keep their order.
"""

from __future__ import annotations

import datetime as dt
import os

from flows.errors import BuildError


def today() -> dt.date:
    """Today's date, or SLUICE_TODAY's."""
    pinned = os.environ.get("SLUICE_TODAY")
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise BuildError(f"SLUICE_TODAY='{pinned}' is not a date (YYYY-MM-DD)") from None


def now() -> dt.datetime:
    """The current UTC time, on SLUICE_TODAY's date when it is set."""
    current = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(today(), current.time())
