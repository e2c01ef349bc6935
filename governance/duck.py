"""Short DuckDB sessions on domain/state.duckdb, shared by the domain's stores.

Writers open the file, make sure their tables exist, and close it at once, so the CLI can read
the state while nothing else holds it. Readers never create the file: looking writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb


@contextmanager
def writing(path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with ``schema`` applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(schema)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction: all of it is written, or none."""
    with writing(path, schema) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


@contextmanager
def reading(path: Path, schema: str, tables: Sequence[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; an empty in-memory copy of ``schema`` when the file or its
    ``tables`` do not exist yet."""
    con = duckdb.connect(str(path), read_only=True) if path.is_file() else None
    if con is None or not _has(con, tables):
        if con is not None:
            con.close()
        con = duckdb.connect()
        con.execute(schema)
    try:
        yield con
    finally:
        con.close()


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
