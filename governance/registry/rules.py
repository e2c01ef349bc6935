"""One datum, one source (一数一源): every data item has exactly one owning department.

A data item is claimed by a registration in two ways:
- by its resource id: once a department has registered a resource id, that id (and its code)
  stays with that department, even after cancellation;
- by its content: a file whose sha256 equals that of a live (not cancelled) registration of
  another department is the same data delivered twice under another name.
A department may re-register its own resources; it is the second department that is refused.

A resource's privacy budget belongs to its data, not to its id: a file once registered for a
resource with a fixed budget may not be registered under another id by anyone, since it would
start with a fresh budget. (A file changed by as much as one byte is other data to the registry;
that a copy is not registered under a new id is left to whoever approves registrations.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from governance.registry.models import Registration, Submission

RULE = "(one datum, one source)"


def source_conflicts(candidate: Submission, registrations: Iterable[Registration]) -> list[str]:
    """Why `candidate` may not be registered by its department; empty when it may."""
    problems = []
    for held in registrations:
        if held.department == candidate.department:
            continue
        if held.resource_id == candidate.resource_id:
            problems.append(
                f"resource '{held.resource_id}' is already registered by {held.department}; "
                f"{candidate.department} cannot register the same data item {RULE}"
            )
        elif held.status != "cancelled" and held.submission.content_sha256 == (
            candidate.content_sha256
        ):
            problems.append(
                f"resource '{candidate.resource_id}' has the same content (sha256 "
                f"{candidate.content_sha256[:8]}..) as resource '{held.resource_id}', already "
                f"registered by {held.department}; {candidate.department} cannot register the "
                f"same data item {RULE}"
            )
    return problems


def budget_conflicts(
    candidate: Submission,
    registrations: Iterable[Registration],
    contents: Mapping[str, set[str]],
) -> list[str]:
    """Why `candidate` would start a fresh privacy budget for data that has one; `contents`
    holds every content hash each resource was ever registered with."""
    problems = []
    for held in registrations:
        if held.resource_id == candidate.resource_id or held.budget is None:
            continue
        seen = contents.get(held.resource_id, set()) | {held.submission.content_sha256}
        if candidate.content_sha256 in seen:
            problems.append(
                f"resource '{candidate.resource_id}' has the same content (sha256 "
                f"{candidate.content_sha256[:8]}..) as resource '{held.resource_id}', whose "
                f"privacy budget ({held.budget}) is fixed; under a new id the same data would "
                f"start a fresh budget: register it as '{held.resource_id}'"
            )
    return problems
