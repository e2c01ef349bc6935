"""One writer at a time in a domain: every command that changes the domain's state or what is
published holds the domain's writer lock (domain/writer.lock) for all of its work. A second
writer waits up to SLUICE_LOCK_TIMEOUT seconds (120 by default) and then stops, naming the
holder; readers do not wait for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flows.errors import BuildError
from flows.settings import Paths
from governance.lock import held, hold_until_exit

WRITER_LOCK = "writer.lock"
LOCK_TIMEOUT = 120.0
_HINT = " (SLUICE_LOCK_TIMEOUT sets how many seconds to wait)"


@contextmanager
def exclusive(paths: Paths, what: str) -> Iterator[None]:
    """Hold the domain's writer lock while the block runs (re-entrant in one process)."""
    with held(paths.home / WRITER_LOCK, timeout=lock_timeout(), what=what, hint=_HINT):
        yield


def exclusive_until_exit(paths: Paths, what: str) -> None:
    """Take the domain's writer lock for the rest of this process (a command's whole run,
    exit included)."""
    hold_until_exit(paths.home / WRITER_LOCK, timeout=lock_timeout(), what=what, hint=_HINT)


def lock_timeout() -> float:
    """Seconds a writer waits for another, from SLUICE_LOCK_TIMEOUT."""
    text = os.environ.get("SLUICE_LOCK_TIMEOUT")
    if not text:
        return LOCK_TIMEOUT
    try:
        return float(text)
    except ValueError:
        raise BuildError(f"SLUICE_LOCK_TIMEOUT='{text}' is not a number of seconds") from None
