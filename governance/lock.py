"""One writer at a time: an OS file lock (flock) on a file in the domain.

DuckDB lets one process at a time open state.duckdb for writing; another that tries fails at
once. Work that reads the state, decides and then writes (a quota checked and then charged, a
version numbered and then recorded) must also not interleave with its twin in another process.
Holding this lock around the whole of it does both. The lock is the kernel's: it is released
when the holder exits, even killed. The lock file names its holder (what, pid, since when), so
a second writer that gives up can say who it waited for.

Within one process the lock is re-entrant: a command that holds it can call work that takes it
again (a build publishing, `sluice verify` answering) without waiting for itself.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from governance.errors import GovernanceError

POLL_SECONDS = 0.05
_HELD: dict[Path, int] = {}
_TAKEN: dict[Path, int] = {}
"""Per lock, which taking of it by this process holds it now (a new number each time)."""
_GUARD = threading.Lock()


class LockTimeout(GovernanceError):
    """The lock stayed held by another process for longer than the caller would wait."""


@contextmanager
def held(path: Path, *, timeout: float, what: str, hint: str = "") -> Iterator[None]:
    """Hold the exclusive lock on `path` (created if needed, mode 0600) while the block runs,
    waiting up to `timeout` seconds for another holder; `what` names the work and `hint` how
    to wait longer, for the error."""
    path = path.absolute()
    with _GUARD:
        if path in _HELD:
            _HELD[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _GUARD:
                _HELD[path] -= 1
        return
    fd = _take(path, timeout, what, hint)
    try:
        try:
            yield
        finally:
            with _GUARD:
                del _HELD[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def hold_until_exit(path: Path, *, timeout: float, what: str, hint: str = "") -> None:
    """Take the lock and keep it until this process ends (the kernel lets go then), so work
    the process still does at exit (a library flushing its queues) is done before the next
    holder starts."""
    path = path.absolute()
    with _GUARD:
        if path in _HELD:
            _HELD[path] += 1
            return
    _take(path, timeout, what, hint)  # never released here: the descriptor stays open


def _take(path: Path, timeout: float, what: str, hint: str) -> int:
    """Open and lock `path`, name this process as its holder, note it held; the descriptor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, timeout, what, hint)
    except BaseException:
        os.close(fd)
        raise
    since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{what}\t{os.getpid()}\t{since}\n".encode(), 0)
    with _GUARD:
        _HELD[path] = 1
        _TAKEN[path] = max(_TAKEN.values(), default=0) + 1
    return fd


def holding(path: Path) -> int | None:
    """While this process holds the lock on `path`, which taking of it that is (it changes
    whenever the lock was let go and taken again, when another holder may have come between);
    None when it does not hold it."""
    path = path.absolute()
    with _GUARD:
        return _TAKEN.get(path) if path in _HELD else None


def holder(path: Path) -> str:
    """Who holds (or last held) the lock, in words: what, pid and since when."""
    try:
        text = path.read_text("utf-8", errors="replace").strip()
    except OSError:
        return "unknown"
    parts = text.split("\t")
    if len(parts) == 3:
        return f"{parts[0]} (pid {parts[1]}, since {parts[2]})"
    return f"pid {text}" if text else "unknown"


def _acquire(fd: int, path: Path, timeout: float, what: str, hint: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"{path}: {holder(path)} held the domain for more than {timeout:g} s, so "
                    f"{what} did not start; try again when it ends{hint}"
                ) from None
            time.sleep(POLL_SECONDS)
