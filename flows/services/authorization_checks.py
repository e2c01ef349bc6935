"""An authorization checked against the domain before it is held: every resource it grants is
registered and every column it names is a column of that registration."""

from __future__ import annotations

import json
from typing import Any

from flows.files.published import MANIFEST
from flows.settings import Paths
from governance.authorization.load import LoadedAuthorization
from governance.errors import PolicyError
from governance.registry import RegistryStore


def registry_problems(loaded: LoadedAuthorization, paths: Paths) -> list[PolicyError]:
    """Every scoped resource that is not registered (or cancelled), every unknown column."""
    registry = RegistryStore(paths.state)
    problems = []
    for i, scope in enumerate(loaded.authorization.resources):
        registration = registry.get(scope.resource)
        if registration is None or registration.status == "cancelled":
            state = "cancelled" if registration else "not registered"
            problems.append(
                loaded.error(
                    f"resource '{scope.resource}' is {state}; an authorization covers registered "
                    "resources only (`sluice register POLICY`)",
                    "resources",
                    i,
                    "resource",
                )
            )
            continue
        if scope.columns == "all":
            continue
        known = [c["name"] for c in registration.submission.schema.get("declared", [])]
        unknown = [c for c in scope.columns if c not in known]
        if unknown:
            problems.append(
                loaded.error(
                    f"column(s) {', '.join(unknown)} are not columns of '{scope.resource}' "
                    f"(its columns: {', '.join(known)})",
                    "resources",
                    i,
                    "columns",
                )
            )
    return problems


def products_under(paths: Paths, authorization_id: str) -> list[dict[str, Any]]:
    """Published versions built under an authorization, withdrawn ones included."""
    found = []
    if not paths.publish.is_dir():
        return found
    for manifest_path in sorted(paths.publish.glob(f"*/v*/{MANIFEST}")):
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get("authorization") == authorization_id:
            found.append(
                {
                    "product": manifest["product"],
                    "version": manifest["version"],
                    "withdrawn": bool(manifest.get("withdrawn")),
                }
            )
    return found
