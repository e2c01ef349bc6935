"""The build's check that every resource it reads is registered (登记) and not cancelled,
made before Prefect starts so a refusal takes a second and writes nothing."""

from __future__ import annotations

from flows.settings import Paths
from governance.errors import PolicyError
from governance.policy.load import LoadedPolicy
from governance.registry import RegistryStore


def registration_problems(loaded: list[LoadedPolicy], paths: Paths) -> list[PolicyError]:
    """Why a build may not read these resources: unregistered, cancelled, or registered by
    another department. A changed file is not one: registering a change is a separate act."""
    held = {r.resource_id: r for r in RegistryStore(paths.state).registrations()}
    problems: list[PolicyError] = []
    for lp in loaded:
        resource = lp.policy.resource
        fix = f"run `sluice register {lp.path}`"
        current = held.get(resource.id)
        if current is None:
            message = f"resource '{resource.id}' is not registered; {fix} first"
            problems.append(lp.error(message, "resource", "id"))
        elif current.status == "cancelled":
            message = (
                f"the registration of resource '{resource.id}' ({current.code}) was cancelled "
                f"at {current.updated_at:%Y-%m-%d %H:%M} UTC ({current.reason}); "
                f"{fix} to register it again"
            )
            problems.append(lp.error(message, "resource", "id"))
        elif current.department != resource.department:
            message = (
                f"resource '{resource.id}' is registered by {current.department}, not "
                f"{resource.department} (one datum, one source)"
            )
            problems.append(lp.error(message, "resource", "department"))
    return problems
