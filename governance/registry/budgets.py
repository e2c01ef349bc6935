"""Changing a resource's registered privacy budget (隐私预算): a registry change event with a
reason, appended to the registration's history like any other change.

The budget is the total all differentially private releases of the resource may spend; what they
spent stays in the budget ledger, so after a change the balance is the new budget minus every
spend ever made, and a budget lowered below what is spent leaves nothing."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from governance.registry.errors import NotRegistered, RegistryError
from governance.registry.models import Budget, Registration
from governance.registry.register import event_of, utcnow
from governance.registry.store import RegistryStore


def change_budget(
    store: RegistryStore,
    resource_id: str,
    budget: Budget,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> tuple[Registration, str]:
    """Set the registered budget of `resource_id` to `budget`: a new version of its
    registration, whose history line says what changed and why. Returns it and the change."""
    if not reason.strip():
        raise RegistryError("a budget change needs a reason (--reason TEXT)")
    if not (math.isfinite(budget.epsilon) and budget.epsilon > 0):
        raise RegistryError(f"a privacy budget's epsilon is above 0, not {budget.epsilon:g}")
    if not 0 <= budget.delta < 1:
        raise RegistryError(f"a privacy budget's delta is in [0, 1), not {budget.delta:g}")
    current = store.get(resource_id)
    if current is None:
        raise NotRegistered(resource_id, [r.resource_id for r in store.registrations()])
    if current.status == "cancelled":
        raise RegistryError(
            f"the registration of resource '{resource_id}' was cancelled; register it again "
            "first (its budget and what was spent are kept)"
        )
    held = current.budget
    if held is not None and held.same(budget):
        raise RegistryError(f"resource '{resource_id}' has privacy budget {held} already")
    change = f"privacy budget {held}→{budget}" if held else f"privacy budget fixed at {budget}"
    changed = replace(
        current,
        version=current.version + 1,
        status="changed",
        updated_at=now or utcnow(),
        reason=reason.strip(),
        budget=budget,
    )
    store.save([(changed, event_of(changed, [change]))])
    return changed, change
