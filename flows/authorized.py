"""Products under authorization: what each would draw on, checked against the authorization
the domain holds, and authorizations whose term ended swept out with their exit terms."""

from __future__ import annotations

import datetime as dt

from flows.audit_trail import record
from flows.clock import now, today
from flows.settings import Paths
from flows.withdraw import withdraw
from governance.authorization.scope import Refusal, Use, refusal
from governance.authorization.store import AuthorizationStore
from governance.policy.base import ProductBase
from governance.policy.index import IndexProduct
from governance.policy.load import LoadedPolicy


def product_use(loaded: LoadedPolicy, product: ProductBase) -> Use:
    """What one resource's product draws on: its columns, with the resource's subject (people
    are counted through it) for aggregates."""
    resource = loaded.policy.resource
    columns = list(product.source_columns())
    if resource.subject and product.kind in ("model", "index") and resource.subject not in columns:
        columns.append(resource.subject)
    return Use(
        product=product.id,
        kind=product.kind,
        purpose=product.purpose,
        columns={resource.id: columns},
        scenario=product.scenario,
        domains={resource.id: resource.domain},
        price=product.price.amount if product.price else None,
    )


def index_use(index: IndexProduct, policies: dict[str, LoadedPolicy]) -> Use:
    """What an index draws on from each of its resources."""
    columns = index.columns_by_resource()
    for rid, named in columns.items():
        subject = policies[rid].policy.resource.subject
        if subject and subject not in named:
            named.append(subject)
    return Use(
        product=index.id,
        kind=index.kind,
        purpose=index.purpose,
        columns=columns,
        scenario=index.scenario,
        domains={rid: policies[rid].policy.resource.domain for rid in columns},
        price=index.price.amount if index.price else None,
    )


def check(
    paths: Paths, authorization_id: str, use: Use, on: dt.date | None = None
) -> Refusal | None:
    """Why the held authorization does not cover ``use`` today, or None."""
    held = AuthorizationStore(paths.state).get(authorization_id)
    return refusal(held, authorization_id, use, on or today())


def sweep(paths: Paths) -> list[str]:
    """End every active authorization whose term is over: mark it expired, audit it, and
    withdraw its products when its exit terms say so. Returns the ids that ended."""
    store = AuthorizationStore(paths.state)
    ended = []
    for held in store.all():
        term = held.authorization.term
        if held.status != "active" or today() <= term.valid_until:
            continue
        reason = f"term ended on {term.valid_until.isoformat()}"
        store.end(held.id, "expired", now(), reason)
        record(
            paths, "authorization_expire", subject=held.id, authorization_id=held.id,
            detail=reason, counts={"exit": held.authorization.exit.on_expiry},
        )  # fmt: skip
        if held.authorization.exit.on_expiry == "withdraw":
            withdraw(paths, held.id, reason)
        ended.append(held.id)
    return ended
