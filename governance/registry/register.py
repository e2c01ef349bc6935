"""Registering resources and cancelling registrations: first registration, change, cancellation
are distinct events, each appended to the history; an unchanged resource writes nothing.

The privacy budget a policy declares is fixed by the first registration that records one (the
first of the resource, or the first after budgets came to be registered) and kept through every
later version, cancellation and re-registration: a policy that declares another budget changes
nothing but a note; the budget changes only by `change_budget`, with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

from governance.registry.changes import describe_changes
from governance.registry.codes import registration_code
from governance.registry.errors import NotRegistered, RegistrationConflict, RegistryError
from governance.registry.models import Budget, Registration, RegistrationEvent, Submission
from governance.registry.rules import budget_conflicts, source_conflicts
from governance.registry.store import RegistryStore


@dataclass(frozen=True)
class Outcome:
    """What registering one resource did."""

    registration: Registration
    event: Literal["registered", "changed", "unchanged"]
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the registration did not do as the policy asks (a budget it declares otherwise)."""


def register(
    store: RegistryStore, submissions: list[Submission], *, now: dt.datetime | None = None
) -> list[Outcome]:
    """Register every submission, or none: a conflict anywhere in the batch writes nothing
    (another department's data item, or data whose privacy budget is fixed under another id)."""
    now = now or utcnow()
    held = {r.resource_id: r for r in store.registrations()}
    contents = store.contents()
    outcomes: list[Outcome] = []
    problems: list[str] = []
    for submission in submissions:
        found = source_conflicts(submission, held.values())
        found += budget_conflicts(submission, held.values(), contents)
        if found:
            problems.extend(found)
            continue
        outcome = _decide(held.get(submission.resource_id), submission, now)
        held[submission.resource_id] = outcome.registration
        outcomes.append(outcome)
    if problems:
        raise RegistrationConflict(problems)
    written = [o for o in outcomes if o.event != "unchanged"]
    store.save([(o.registration, event_of(o.registration, o.changes)) for o in written])
    return outcomes


def cancel(
    store: RegistryStore, resource_id: str, reason: str, *, now: dt.datetime | None = None
) -> Registration:
    """Cancel (注销) a registration: builds refuse the resource until it is registered again."""
    if not reason.strip():
        raise RegistryError("a cancellation needs a reason (--reason TEXT)")
    current = store.get(resource_id)
    if current is None:
        raise NotRegistered(resource_id, [r.resource_id for r in store.registrations()])
    if current.status == "cancelled":
        raise RegistryError(
            f"resource '{resource_id}' was already cancelled at {current.updated_at:%Y-%m-%d %H:%M}"
            f" ({current.reason})"
        )
    now = now or utcnow()
    cancelled = replace(current, status="cancelled", updated_at=now, reason=reason.strip())
    store.save([(cancelled, event_of(cancelled, []))])
    return cancelled


def correct(
    store: RegistryStore,
    resource_id: str,
    content_sha256: str,
    corrections: int,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> Registration:
    """Record a change (登记变更) of a resource's content by corrections, not by a new
    delivery: a new version whose content hash covers the corrections, with the reason."""
    current = store.get(resource_id)
    if current is None or current.status == "cancelled":
        raise NotRegistered(resource_id, [r.resource_id for r in store.registrations()])
    now = now or utcnow()
    submission = replace(current.submission, content_sha256=content_sha256)
    changes = describe_changes(current.submission, submission)
    changes.append(f"{corrections} value(s) corrected")
    changed = replace(_next(current, submission, "changed", now, current.budget), reason=reason)
    store.save([(changed, event_of(changed, changes))])
    return changed


def event_of(r: Registration, changes: list[str]) -> RegistrationEvent:
    """The history line that brought `r` about, with a snapshot of the registration after it."""
    s = r.submission
    return RegistrationEvent(
        resource_id=s.resource_id,
        code=r.code,
        version=r.version,
        event=r.status,
        occurred_at=r.updated_at,
        department=s.department,
        content_sha256=s.content_sha256,
        table_grade=s.table_grade,
        row_count=s.row_count,
        changes="; ".join(changes),
        reason=r.reason,
        policy_path=s.policy_path,
        policy_sha256=s.policy_sha256,
        snapshot=r.row(),
    )


def utcnow() -> dt.datetime:
    """Naive UTC, as every timestamp in state.duckdb."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _decide(previous: Registration | None, submission: Submission, now: dt.datetime) -> Outcome:
    declared = submission.privacy_budget
    if previous is None:
        code = registration_code(submission.department, submission.resource_id)
        first = Registration(code, 1, "registered", submission, now, now, budget=declared)
        fixed = [f"privacy budget fixed at {declared}"] if declared else []
        return Outcome(first, "registered", fixed)
    changes = describe_changes(previous.submission, submission)
    budget, notes = previous.budget, budget_notes(previous, declared)
    if budget is None and declared is not None:
        budget = declared
        changes.append(f"privacy budget fixed at {declared}")
    if previous.status == "cancelled":
        again = ["registered again after cancellation", *changes]
        return Outcome(
            _next(previous, submission, "registered", now, budget), "registered", again, notes
        )
    if not changes:
        return Outcome(previous, "unchanged", notes=notes)
    return Outcome(_next(previous, submission, "changed", now, budget), "changed", changes, notes)


def budget_notes(previous: Registration, declared: Budget | None) -> list[str]:
    """Why the registered budget stays what it is, when the policy declares another."""
    held = previous.budget
    if held is None or declared is None or held.same(declared):
        return []
    return [
        f"resource '{previous.resource_id}': the policy declares privacy budget {declared}, "
        f"the registered budget is {held}; registering does not change it, and the resource's "
        "differentially private products are refused until the two agree. To change it: "
        f"`sluice registry budget {previous.resource_id} --epsilon {declared.epsilon:g} "
        f"--delta {declared.delta:g} --reason TEXT`"
    ]


def _next(
    previous: Registration,
    submission: Submission,
    status: Literal["registered", "changed"],
    now: dt.datetime,
    budget: Budget | None,
) -> Registration:
    return replace(
        previous,
        version=previous.version + 1,
        status=status,
        submission=submission,
        updated_at=now,
        reason=None,
        budget=budget,
    )
