"""When a step that reads or writes files tries again: a transient OS error (a network share
that hiccups, a timeout) is retried with exponential backoff; a missing file, a refused
permission or a user error is not, since trying again cannot change it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

from flows.errors import BuildError

N = TypeVar("N", int, float)

PERMANENT = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often an I/O step is tried again, and the first delay (doubling each time), as
    Prefect's `retries` and `exponential_backoff(backoff_factor)` take them."""

    retries: int = 2
    delay: float = 1.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """SLUICE_RETRIES and SLUICE_RETRY_DELAY (seconds), or the defaults."""
        return cls(
            _number("SLUICE_RETRIES", cls.retries, int),
            _number("SLUICE_RETRY_DELAY", cls.delay, float),
        )

    def delays(self) -> list[float]:
        """The wait before each retry."""
        return [self.delay * 2**attempt for attempt in range(self.retries)]


def transient(error: BaseException | None) -> bool:
    """Whether trying the step again may succeed."""
    return isinstance(error, OSError) and not isinstance(error, PERMANENT)


def _number(name: str, default: N, kind: type[N]) -> N:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if value < 0:
        raise BuildError(f"{name}={text!r} is not a {kind.__name__} >= 0; fix or unset it")
    return value
