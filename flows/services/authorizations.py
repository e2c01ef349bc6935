"""Products under authorization: what each would draw on (its kind says, as a `Use`) checked
against the authorization the domain holds, and authorizations whose term ended swept out with
their exit terms."""

from __future__ import annotations

import datetime as dt

from flows.clock import now, today
from flows.services.audit_trail import record
from flows.services.withdraw import withdraw
from flows.settings import Paths
from governance.authorization.scope import Refusal, Use, refusal
from governance.authorization.store import AuthorizationStore


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
