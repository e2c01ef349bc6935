"""The readers of a product, resolved against the domain's authorizations: an authorized
product reaches the operator its authorization names."""

from __future__ import annotations

from flows.settings import Paths
from governance.audience import audience_of
from governance.authorization.store import AuthorizationStore
from governance.policy.product import ProductBase


def audience(spec: ProductBase, paths: Paths) -> frozenset[str]:
    """Who reads `spec`'s releases (governance/audience.py)."""
    operator = None
    if spec.authorization:
        held = AuthorizationStore(paths.state).get(spec.authorization)
        operator = held.authorization.operator.id if held is not None else None
    departments = [r.department for r in spec.recipients or []]
    return audience_of(
        spec.supply_mode, operator=operator, authorization=spec.authorization,
        departments=departments,
    )  # fmt: skip
