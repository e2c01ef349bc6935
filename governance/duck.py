"""Short DuckDB sessions on domain/state.duckdb, shared by the domain's stores.

Writers open the file, make sure their tables exist, and close it at once, so the CLI can read
the state while nothing else holds it. Readers never create the file: looking writes nothing.
DuckDB lets one process at a time hold the file: a session that finds it held by another
(a reader beside a writer) waits for it, briefly, and then says so in words rather than with
DuckDB's own error.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import duckdb

from governance.errors import GovernanceError

BUSY_SECONDS = 30.0
"""How long a session waits for another process to let go of the file."""
_POLL = 0.02

SESSIONS = threading.RLock()
"""One session at a time within a process: products building side by side on threads share
the file, and DuckDB refuses a read-only connection beside a read-write one in one process."""


STATE_ERRORS: tuple[type[BaseException], ...] = (duckdb.Error,)
"""What DuckDB raises when the state file is damaged, full or unreadable."""


class StateBusy(GovernanceError):
    """Another process held state.duckdb for longer than a session waits."""


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the state file, waiting while another process holds it."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise GovernanceError(f"{path}: cannot open the domain's state ({exc})") from None
            if time.monotonic() >= deadline:
                raise StateBusy(
                    f"{path}: another process kept the domain's state open for more than "
                    f"{BUSY_SECONDS:g} s; try again when it ends"
                ) from None
            time.sleep(_POLL)


class _Kept:
    """The one connection the sessions of a `kept_open` block share."""

    def __init__(self, path: Path):
        self.path, self.con = path, None

    def open(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = connect(self.path)
            _OPEN.add(self)
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        _OPEN.discard(self)


_OPEN: set[_Kept] = set()
"""Shared connections open in this process: while one is, DuckDB refuses a read-only
connection to its file beside it, so readers open theirs read-write too."""


_KEPT: ContextVar[_Kept | None] = ContextVar("sluice_kept_state", default=None)


@contextmanager
def kept_open(path: Path) -> Iterator[None]:
    """Let the sessions of the block on `path` share one connection, opened at the first and
    closed at the end: opening the file costs tens of milliseconds, and planning a build opens
    it a dozen times in a row. While it is open no other process can read the state, so long
    work inside the block goes under `unkept`."""
    kept = _Kept(path)
    token = _KEPT.set(kept)
    try:
        yield
    finally:
        _KEPT.reset(token)
        with SESSIONS:
            kept.close()


@contextmanager
def unkept(path: Path) -> Iterator[None]:
    """Sessions of the block on `path` open their own connections again, and the shared one
    is closed first: long work inside a `kept_open` block leaves the file free for readers."""
    kept = _kept(path)
    if kept is None:
        yield
        return
    with SESSIONS:
        kept.close()
    token = _KEPT.set(None)
    try:
        yield
    finally:
        _KEPT.reset(token)


def _kept(path: Path) -> _Kept | None:
    kept = _KEPT.get()
    return kept if kept is not None and kept.path == path else None


@contextmanager
def writing(path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with ``schema`` applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = _kept(path)
    with SESSIONS:
        con = kept.open() if kept else connect(path)
        try:
            _ensure(con, path, schema)
            yield con
        finally:
            if not kept:
                con.close()


_COMMITTED: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "sluice_on_commit", default=None
)


@contextmanager
def transaction(path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction: all of it is written, or none. What
    the block asked `on_commit` runs once it is written."""
    with writing(path, schema) as con:
        hooks: list[Callable[[], None]] = []
        token = _COMMITTED.set(hooks)
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            _COMMITTED.reset(token)
    for hook in hooks:
        hook()


def on_commit(hook: Callable[[], None]) -> bool:
    """Run `hook` after the transaction this code runs in commits (never, if it rolls back);
    False, and nothing run, outside one."""
    hooks = _COMMITTED.get()
    if hooks is None:
        return False
    hooks.append(hook)
    return True


@contextmanager
def reading(path: Path, schema: str, tables: Sequence[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; an empty in-memory copy of ``schema`` when the file or its
    ``tables`` do not exist yet."""
    kept = _kept(path)
    with SESSIONS:
        if kept and path.is_file():
            con = kept.open()
            if _has(con, tables):
                yield con
                return
        shared = any(k.path == path for k in _OPEN)  # another thread's, beside this block
        con = connect(path, read_only=not shared) if path.is_file() and not kept else None
        if con is None or not _has(con, tables):
            if con is not None:
                con.close()
            con = duckdb.connect()
            con.execute(schema)
        try:
            yield con
        finally:
            con.close()


_APPLIED: set[tuple[int, int, str]] = set()
"""Schemas this process applied, per database file (device and inode) and schema text."""


def _ensure(con: duckdb.DuckDBPyConnection, path: Path, schema: str) -> None:
    """Create the schema's tables unless this process did so on this very file already and
    they are there: a command opens the state dozens of times, and a schema's statements cost
    far more than the one query that finds its tables (an inode reused by a new file has
    none of them, so it gets the schema)."""
    found = path.stat()
    key = (found.st_dev, found.st_ino, schema)
    if key in _APPLIED and _has(con, _tables(schema)):
        return
    con.execute(schema)
    _APPLIED.add(key)


@functools.cache
def _tables(schema: str) -> tuple[str, ...]:
    return tuple(re.findall(r"CREATE TABLE IF NOT EXISTS\s+(\w+)", schema, flags=re.IGNORECASE))


def select(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """Rows of a query as dictionaries."""
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _has(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> bool:
    marks = ", ".join("?" for _ in tables)
    found = con.execute(
        f"SELECT count(*) FROM information_schema.tables WHERE table_name IN ({marks})",
        list(tables),
    ).fetchall()  # all of it: a result left open blocks registering a table on `con`
    return bool(found and found[0][0] == len(tables))
