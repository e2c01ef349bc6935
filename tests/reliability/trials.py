"""How hard the reliability suite tries: a few trials in `make test`, every trial in
`make test-reliability` (SLUICE_RELIABILITY=full)."""

from __future__ import annotations

import os

FULL = os.environ.get("SLUICE_RELIABILITY") == "full"


def trials(short: int, full: int) -> int:
    """How many trials to run: `full` in the full suite, else `short`."""
    return full if FULL else short
