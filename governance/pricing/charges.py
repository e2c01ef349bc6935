"""What a period's deliveries cost (费用): metered units per product, at the unit price
recorded with each delivery.

Units: per_call counts the claims answered; per_volume the rows of each version delivered, per
1,000; per_product the versions delivered; per_period one subscription for each period in
which a version was delivered or live (delivered earlier, under an authorization still in
force). Free products (public welfare) show what was delivered, at 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from governance.pricing.period import Period

MEASURES: dict[tuple[str | None, str], str] = {
    ("per_call", "claims"): "claims",
    ("per_volume", "version"): "thousand rows",
    ("per_product", "version"): "versions",
    (None, "claims"): "claims",
    (None, "version"): "versions",
}
"""What each unit counts, by the kind of delivery it counts; other pairs bill nothing (the
version of a per_call service, say)."""


@dataclass(frozen=True)
class Line:
    """One line of a statement: a product's metered units at one unit price."""

    authorization: str
    product: str
    purpose: str
    unit: str | None
    """The billing unit; None when the product is free."""
    measure: str
    metered: float
    unit_price: float
    cap: float | None
    cap_unit: str | None

    @property
    def charge(self) -> float:
        """Units times unit price, in yuan to the fen."""
        return round(self.metered * self.unit_price, 2)


def lines(rows: Sequence[dict], period: Period) -> list[Line]:
    """The lines of `period` from the deliveries (metering rows, oldest first) of one
    authorization up to the period's end."""
    metered: dict[tuple, float] = {}
    for row in rows:
        measure = MEASURES.get((row["unit"], row["what"]))
        if measure is None or not period.start <= row["day"] <= period.end:
            continue
        key = (*_head(row), measure)
        metered[key] = metered.get(key, 0.0) + _units(row, measure)
    latest = {row["product_id"]: row for row in rows if row["what"] == "version"}
    for row in latest.values():
        if row["unit"] == "per_period" and row["day"] <= period.end:
            metered[(*_head(row), "periods")] = 1.0
    return [
        Line(a, p, purpose, unit, measure, units, price, cap, cap_unit)
        for (a, p, purpose, unit, price, cap, cap_unit, measure), units in sorted(
            metered.items(), key=lambda item: (item[0][1], str(item[0][3]), item[0][4])
        )
    ]


def _head(row: dict) -> tuple:
    return (
        row["authorization_id"], row["product_id"], row["purpose"], row["unit"],
        row["unit_price"], row["cap"], row["cap_unit"],
    )  # fmt: skip


def _units(row: dict, measure: str) -> float:
    if measure == "claims":
        return float(row["quantity"])
    if measure == "thousand rows":
        return row["quantity"] / 1000
    return 1.0
