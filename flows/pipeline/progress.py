"""What a build is doing now, told to whoever watches: the terminal's progress display when
`sluice build` runs in one, nobody when a deployment runs it. The watcher is held in a context
variable, so products building on threads of their own report to the same one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Watcher(Protocol):
    """Receives a build's steps as they start and its units (resources, products) as they end."""

    def step(self, unit: str, step: str, rows: int | None = None) -> None: ...

    def done(self, unit: str, outcome: str) -> None: ...


class Nobody:
    """The watcher of a run no terminal follows."""

    def step(self, unit: str, step: str, rows: int | None = None) -> None:
        return None

    def done(self, unit: str, outcome: str) -> None:
        return None


_watcher: ContextVar[Watcher | None] = ContextVar("sluice_build_watcher", default=None)
_NOBODY = Nobody()


def watcher() -> Watcher:
    """Who follows the build running in this context."""
    return _watcher.get() or _NOBODY


@contextmanager
def watched_by(who: Watcher) -> Iterator[None]:
    """Report the steps of builds run inside the block to `who`."""
    token = _watcher.set(who)
    try:
        yield
    finally:
        _watcher.reset(token)
