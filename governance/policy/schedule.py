"""When a served domain builds a resource's products on its own: by default from the resource's
`update_frequency`; a `schedule:` block in the resource's policy sets the time itself."""

from __future__ import annotations

import datetime as dt
from difflib import get_close_matches
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cronsim import CronSim, CronSimError
from pydantic import Field, field_validator

from governance.policy.base import StrictModel

DEFAULT_TIMEZONE = "Asia/Shanghai"


class Schedule(StrictModel):
    """A cron expression (minute hour day-of-month month day-of-week) in a time zone."""

    cron: str = Field(
        description="Five cron fields, e.g. '30 3 * * *' for 03:30 every day.",
        examples=["30 3 * * *", "0 2 * * 1"],
    )
    timezone: str = Field(
        DEFAULT_TIMEZONE, description="IANA time zone the cron times are in, e.g. Asia/Shanghai."
    )

    @field_validator("cron")
    @classmethod
    def _parses(cls, value: str) -> str:
        """Five fields that a cron daemon (and Prefect's scheduler) would accept."""
        fields = value.split()
        if len(fields) != 5:
            raise ValueError(
                f"'{value}' has {len(fields)} field(s); a cron expression has five: minute hour "
                "day-of-month month day-of-week, e.g. '30 3 * * *' for 03:30 every day"
            )
        if any(f.upper() in ("R", "H") for f in fields):
            raise ValueError(f"'{value}': random (R) and hashed (H) cron fields are not supported")
        try:
            CronSim(value, dt.datetime(2026, 1, 1))
        except CronSimError as exc:
            raise ValueError(
                f"'{value}' is not a valid cron expression ({exc}); write five fields: minute "
                "(0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6, 0 = Sunday)"
            ) from None
        return " ".join(fields)

    @field_validator("timezone")
    @classmethod
    def _known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            near = get_close_matches(value, sorted(available_timezones()), n=3) or [
                DEFAULT_TIMEZONE
            ]
            raise ValueError(
                f"'{value}' is not an IANA time zone; did you mean {' or '.join(near)}?"
            ) from None
        return value
