"""The domain's memory (domain/state.duckdb): resources, products, versions and keys.

Connections are opened per operation and closed at once, so the CLI can read the state while
nothing else holds it.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb

from governance.duck import reading, select, writing

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    resource_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    department TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    update_frequency TEXT NOT NULL,
    policy_path TEXT NOT NULL,
    policy_sha256 TEXT NOT NULL,
    content_sha256 TEXT,
    rows_ingested BIGINT,
    rows_quarantined BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    product_id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    supply_mode TEXT NOT NULL,
    purpose TEXT NOT NULL,
    authorization_id TEXT,
    latest_version INTEGER,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS product_versions (
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    rows BIGINT NOT NULL,
    path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (product_id, version)
);
CREATE TABLE IF NOT EXISTS keys (
    key_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
"""


class State:
    """Typed access to state.duckdb; every method is one short transaction."""

    def __init__(self, path: Path):
        self.path = path

    def connect(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return writing(self.path, SCHEMA)

    def record_resource(self, row: dict[str, Any]) -> None:
        """Insert or update a resource's latest known facts."""
        self._upsert("resources", "resource_id", {**row, "updated_at": _now()})

    def record_product(self, row: dict[str, Any]) -> None:
        """Insert or update a product's declaration and latest version."""
        self._upsert("products", "product_id", {**row, "updated_at": _now()})

    def record_version(self, row: dict[str, Any]) -> None:
        """Append one published version."""
        with self.connect() as con:
            self.record_version_on(con, row)

    def record_version_on(self, con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
        """Append one published version on the caller's connection (SCHEMA applied), inside
        the transaction that publishes it."""
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"INSERT INTO product_versions ({cols}) VALUES ({marks})", list(row.values()))

    def record_product_on(self, con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
        """`record_product` on the caller's connection, inside its transaction."""
        _upsert_on(con, "products", "product_id", {**row, "updated_at": _now()})

    def version(self, product: str, version: int) -> dict[str, Any] | None:
        """The recorded version of a product, if the state holds it."""
        with reading(self.path, SCHEMA, ["product_versions"]) as con:
            rows = select(
                con,
                "SELECT * FROM product_versions WHERE product_id = ? AND version = ?",
                [product, version],
            )
        return rows[0] if rows else None

    def latest_versions(self) -> dict[str, int]:
        """The newest version the state records of each product."""
        with reading(self.path, SCHEMA, ["product_versions"]) as con:
            rows = con.execute(
                "SELECT product_id, max(version) FROM product_versions GROUP BY product_id"
            ).fetchall()
        return {product: int(version) for product, version in rows}

    def record_key(self, key_id: str, fingerprint: str) -> None:
        """Remember that a key was created (its fingerprint, never the key)."""
        self._upsert(
            "keys", "key_id", {"key_id": key_id, "fingerprint": fingerprint, "created_at": _now()}
        )

    def rows(self, table: str) -> list[dict[str, Any]]:
        """All rows of a state table, as dictionaries."""
        if table not in ("resources", "products", "product_versions", "keys"):
            raise ValueError(f"unknown state table '{table}'")
        with self.connect() as con:
            return select(con, f"SELECT * FROM {table} ORDER BY 1")

    def _upsert(self, table: str, key: str, row: dict[str, Any]) -> None:
        with self.connect() as con:
            _upsert_on(con, table, key, row)


def _upsert_on(con: duckdb.DuckDBPyConnection, table: str, key: str, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != key)
    sql = (
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    con.execute(sql, list(row.values()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
