"""Whether a build or a verification request stays within an authorization (超范围使用严禁):
each refusal names the clause it breaks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from governance.authorization.store import Held


@dataclass(frozen=True)
class Use:
    """What a product (or a request to it) would do with the authorized data."""

    product: str
    kind: str
    purpose: str
    columns: dict[str, Sequence[str]]
    """Source columns drawn on, per resource."""
    scenario: str | None = None
    domains: dict[str, str | None] | None = None
    """Each resource's domain (领域), for authorizations by domain."""
    price: float | None = None
    unit: str | None = None
    """The price's billing unit (per_call, per_period, per_volume, per_product)."""
    policy: str | None = None
    """The policy file that declares the product, named in price refusals."""
    operator: str | None = None
    """The operator making a request; None for builds, which the domain runs itself."""


@dataclass(frozen=True)
class Refusal:
    """Why the use is not covered: the authorization, the clause, the reason."""

    authorization: str
    clause: str
    message: str

    def __str__(self) -> str:
        return f"authorization {self.authorization}, clause '{self.clause}': {self.message}"


def refusal(held: Held | None, authorization_id: str, use: Use, today: dt.date) -> Refusal | None:
    """The first clause ``use`` breaks, or None when the authorization covers it."""
    if held is None:
        return Refusal(
            authorization_id,
            "id",
            "not held by this domain; add it with `sluice authorization add FILE`",
        )
    auth = held.authorization
    for check in (_status, _term, _operator, _kind, _purpose, _resources, _price):
        found = check(held, use, today)
        if found is not None:
            return Refusal(auth.id, *found)
    return None


def _status(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    if held.status == "active":
        return None
    when = held.ended_at.date().isoformat() if held.ended_at else "earlier"
    return "status", f"{held.status} on {when} ({held.reason})"


def _term(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    term = held.authorization.term
    if today < term.valid_from:
        return "term", f"not valid before {term.valid_from.isoformat()} (today {today})"
    if today > term.valid_until:
        return "term", f"expired after {term.valid_until.isoformat()} (today {today})"
    return None


def _operator(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    if use.operator is None or use.operator == held.authorization.operator.id:
        return None
    return (
        "operator",
        f"granted to operator '{held.authorization.operator.id}', not '{use.operator}'",
    )


def _kind(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    allowed = held.authorization.products
    if use.kind in allowed:
        return None
    return "products", f"{use.kind} products are not allowed (allowed: {', '.join(allowed)})"


def _purpose(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    auth = held.authorization
    if auth.mode != "scenario":
        if use.purpose in auth.purposes:
            return None
        return "purposes", f"purpose '{use.purpose}' is not granted ({', '.join(auth.purposes)})"
    granted = ", ".join(s.id for s in auth.scenarios)
    if use.scenario is None:
        return (
            "scenarios",
            f"granted by scenario: product '{use.product}' must name one of {granted}",
        )
    scenario = auth.scenario(use.scenario)
    if scenario is None:
        return "scenarios", f"scenario '{use.scenario}' is not granted ({granted})"
    if scenario.purpose != use.purpose:
        return "scenarios", (
            f"scenario '{scenario.id}' is for {scenario.purpose} use, "
            f"product '{use.product}' declares {use.purpose}"
        )
    return None


def _resources(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    auth = held.authorization
    for resource, columns in use.columns.items():
        scope = auth.scope(resource)
        if scope is None:
            return "resources", f"resource '{resource}' is not covered"
        position = auth.resources.index(scope)
        outside = [c for c in columns if not scope.covers(c)]
        if outside:
            return f"resources[{position}].columns", (
                f"column(s) {', '.join(outside)} of '{resource}' are outside the granted columns"
            )
        if auth.mode == "domain":
            domain = (use.domains or {}).get(resource)
            if domain not in auth.domains:
                shown = f"domain '{domain}'" if domain else "no domain"
                return "domains", (
                    f"resource '{resource}' has {shown}; granted: {', '.join(auth.domains)}"
                )
    return None


def price_refusal(held: Held, use: Use) -> Refusal | None:
    """Only the price clause: for `sluice plan`, which shows a price problem whatever else the
    authorization would say about a build that has not run yet."""
    found = _price(held, use, held.authorization.term.valid_from)
    return Refusal(held.id, *found) if found is not None else None


def _price(held: Held, use: Use, today: dt.date) -> tuple[str, str] | None:
    """Free for public welfare; otherwise at most the product's cap, in the cap's own unit."""
    if use.price is None or use.price == 0:
        return None
    product = f"product '{use.product}'" + (f" of {use.policy}" if use.policy else "")
    if use.purpose == "public_welfare":
        return "price_caps", (
            f"{product} is for public governance and public welfare, which is free; "
            f"remove its price ({use.price:g} {use.unit})"
        )
    cap = held.authorization.cap(use.product)
    if cap is None:
        return "price_caps", f"no price cap is set for {product}, so it may not charge"
    if use.unit is not None and use.unit != cap.unit:
        return "price_caps", (
            f"{product} is priced {use.unit} but its cap is {cap.unit}: a price and its cap "
            f"must be in one unit; price it {cap.unit}, or have the authorization cap it "
            f"{use.unit}"
        )
    if use.price > cap.cap:
        return "price_caps", (
            f"{product}: price {use.price:g} {cap.currency} {cap.unit} is above the cap "
            f"{cap.cap:g} {cap.currency} {cap.unit}"
        )
    return None
