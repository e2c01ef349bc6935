"""Metering (计量): every delivery to an operator, recorded in the transaction that makes it
happen, with the price and its cap in force at that moment, so a later policy or authorization
edit cannot re-price the past and a statement needs nothing else.

A delivery is either a product version published under an authorization (`what` = 'version',
`quantity` = its rows) or a verification batch answered (`what` = 'claims', `quantity` = the
claims answered). Each is keyed by the audit record that vouches for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from governance.authorization.models import Authorization
from governance.duck import reading, select
from governance.policy.base import Price

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    audit_seq BIGINT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    authorization_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    day DATE NOT NULL,
    delivered_at TIMESTAMP NOT NULL,
    what TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit TEXT,
    unit_price DOUBLE NOT NULL,
    cap DOUBLE,
    cap_unit TEXT
);
"""
What = Literal["version", "claims"]


@dataclass(frozen=True)
class Tariff:
    """The price in force for one product (unit None: free) and its cap, if any."""

    unit: str | None
    unit_price: float
    cap: float | None = None
    cap_unit: str | None = None

    @classmethod
    def of(cls, authorization: Authorization, product: str, price: Price | None) -> Tariff:
        """The tariff of `product` priced `price` under `authorization` (free without one)."""
        cap = authorization.cap(product)
        caps = (cap.cap, cap.unit) if cap is not None else (None, None)
        if price is None or price.amount == 0:
            return cls(None, 0.0, *caps)
        return cls(price.unit, price.amount, *caps)

    @property
    def price(self) -> Price | None:
        return Price(amount=self.unit_price, unit=self.unit) if self.unit else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class Delivery:
    """One delivery to an operator, as metered."""

    operator: str
    authorization: str
    product: str
    version: int
    purpose: str
    what: What
    quantity: int
    tariff: Tariff


def record_on(
    con: duckdb.DuckDBPyConnection, delivery: Delivery, audit_seq: int, at: dt.datetime
) -> None:
    """Meter `delivery` on the caller's connection, inside the transaction that delivers it
    (and appends audit record `audit_seq`)."""
    d, t = delivery, delivery.tariff
    con.execute(SCHEMA)
    con.execute(
        "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            audit_seq, d.operator, d.authorization, d.product, d.version, d.purpose, at.date(),
            at, d.what, d.quantity, t.unit, t.unit_price, t.cap, t.cap_unit,
        ],
    )  # fmt: skip


def version_tariff(path: Path, product: str, version: int) -> Tariff | None:
    """The tariff metered when `version` of `product` was published, or None when it was not
    metered (published without an authorization, or before metering)."""
    with reading(path, SCHEMA, ["deliveries"]) as con:
        rows = select(
            con,
            "SELECT unit, unit_price, cap, cap_unit FROM deliveries "
            "WHERE product_id = ? AND version = ? AND what = 'version'",
            [product, version],
        )
    return Tariff(**rows[0]) if rows else None


def deliveries(path: Path, authorization: str, until: dt.date) -> list[dict]:
    """Every delivery under `authorization` up to `until`, oldest first."""
    with reading(path, SCHEMA, ["deliveries"]) as con:
        return select(
            con,
            "SELECT * FROM deliveries WHERE authorization_id = ? AND day <= ? "
            "ORDER BY delivered_at, audit_seq",
            [authorization, until],
        )
