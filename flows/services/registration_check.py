"""The build's check that every resource it reads is registered (登记) and not cancelled,
made before Prefect starts so a refusal takes a second and writes nothing; and what a plan says
about a resource's privacy budget, which is the registered one, not the policy's."""

from __future__ import annotations

from dataclasses import dataclass

from flows.settings import Paths
from governance.budget import BudgetLedger, disagreement
from governance.errors import PolicyError
from governance.policy.load import LoadedPolicy
from governance.registry import Budget, RegistryStore

REFUSED = "its differentially private products are refused"


@dataclass(frozen=True)
class BudgetState:
    """A resource's privacy budget as a plan shows it; `refused` when its differentially
    private products will be refused (no registered budget, or the policy states another)."""

    refused: bool
    message: str


def budget_state(loaded: LoadedPolicy, paths: Paths) -> BudgetState | None:
    """The registered budget and its balance, or why it cannot be spent; None when the policy
    declares no budget or the resource is not registered (its own refusal says so)."""
    resource = loaded.policy.resource
    if resource.privacy_budget is None:
        return None
    declared = Budget(resource.privacy_budget.epsilon, resource.privacy_budget.delta)
    current = RegistryStore(paths.state).get(resource.id)
    if current is None:
        return None
    if current.budget is None:
        message = (
            f"no privacy budget registered for '{resource.id}' yet; {REFUSED} until "
            f"`sluice register {loaded.path}` fixes it at {declared}"
        )
        return BudgetState(True, message)
    if not declared.same(current.budget):
        message = disagreement(resource.id, declared, current.budget)
        return BudgetState(True, f"{REFUSED}: {message}")
    balance = BudgetLedger(paths.state).balance(resource.id)
    message = (
        f"privacy budget (registered) {current.budget}: spent epsilon {balance.spent_epsilon:g}, "
        f"delta {balance.spent_delta:g}; left epsilon {balance.left_epsilon:g}, "
        f"delta {balance.left_delta:g}"
    )
    return BudgetState(False, message)


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
