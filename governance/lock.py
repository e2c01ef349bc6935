"""One writer at a time: an OS file lock (flock) on a file in the domain.

DuckDB lets one process at a time open state.duckdb for writing; another that tries fails at
once. Work that reads the state, decides and then writes (a quota checked and then charged)
must also not interleave with its twin in another process. Holding this lock around the whole
of it does both. The lock is the kernel's: it is released when the holder exits, even killed.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from governance.errors import GovernanceError

POLL_SECONDS = 0.05


class LockTimeout(GovernanceError):
    """The lock stayed held by another process for longer than the caller would wait."""


@contextmanager
def held(path: Path, *, timeout: float, what: str, hint: str = "") -> Iterator[None]:
    """Hold the exclusive lock on `path` (created if needed) while the block runs, waiting up
    to `timeout` seconds for another holder; `what` names the work and `hint` how to wait
    longer, for the error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, timeout, what, hint)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float, what: str, hint: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                raise LockTimeout(
                    f"{path}: another process (pid {holder}) held the lock for {what} for "
                    f"more than {timeout:g} s; try again when it ends{hint}"
                ) from None
            time.sleep(POLL_SECONDS)
