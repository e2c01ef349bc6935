"""Which pseudonymisation keys a product is built with: the keys of its resources' policies
(`default` for the subject's pseudonyms, each keyed treatment's `key`) and its kind's own (a
verification index's). A product built with a key that was rotated since is not up to date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.kinds import Declared, ProductKind
from flows.kinds.base import digest
from governance.policy.models import Policy
from governance.policy.product import ProductBase

SUBJECT_KEY = "default"
"""The key of the pseudonyms that count distinct people (a resource's `subject`)."""


def policy_keys(policy: Policy) -> set[str]:
    """Keys a resource's preparation uses."""
    found = {SUBJECT_KEY} if policy.resource.subject else set()
    for column in policy.columns.values():
        key = getattr(column.treatment, "key", None)
        if isinstance(key, str):
            found.add(key)
    return found


def product_keys(spec: ProductBase, kind: ProductKind[Any, Any], declared: Declared) -> set[str]:
    """Keys a product is built with: its resources' and its own."""
    found = set(kind.keys(spec))
    for loaded in declared.policies.values():
        found |= policy_keys(loaded.policy)
    return found


def rekeyed(fingerprint: str, keys: set[str], rotated: Mapping[str, str]) -> str:
    """The build fingerprint, changed by the newest rotation of each key the product uses (and
    left as it was for products whose keys were never rotated)."""
    newest = {k: rotated[k] for k in sorted(keys) if k in rotated}
    if not newest:
        return fingerprint
    return digest({"build": fingerprint, "rotated_keys": newest})
