"""The scenario (依场景授权) a product serves, as its authorization names it, so the capability
list can show the scenario's title from the manifest alone."""

from __future__ import annotations

from typing import Any

from flows.settings import Paths
from governance.authorization.store import AuthorizationStore
from governance.policy.product import ProductBase


def scenario_section(spec: ProductBase, paths: Paths) -> dict[str, Any]:
    """The manifest's `scenario` section (id, title, purpose), or nothing when the product
    names no scenario."""
    if not spec.scenario or not spec.authorization:
        return {}
    held = AuthorizationStore(paths.state).get(spec.authorization)
    found = held.authorization.scenario(spec.scenario) if held is not None else None
    if found is None:
        return {"scenario": {"id": spec.scenario}}
    return {"scenario": {"id": found.id, "title": found.title, "purpose": found.purpose}}
