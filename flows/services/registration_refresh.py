"""A delivery that changed since its registration is registered anew (登记变更) before a
build reads it: the registry must describe the data products are made from, so its row count,
content hash and grade follow the file, as `sluice register` would record them."""

from __future__ import annotations

from collections.abc import Mapping

from flows.services.audit_trail import record
from flows.services.registration import submission
from flows.settings import Paths
from governance.errors import PolicyError
from governance.policy.load import LoadedPolicy
from governance.registry import RegistryStore
from governance.registry import register as register_all
from governance.registry.register import Outcome


def register_changed(
    policies: Mapping[str, LoadedPolicy], fingerprints: Mapping[str, str], paths: Paths
) -> list[Outcome]:
    """Register each resource whose content fingerprint (the file with its corrections) is
    not the registered one; audit each change. Unregistered and cancelled resources are left
    to the build's own refusal, and so is a delivery that cannot be registered (no rows to
    classify, say): its ingest refuses it with the line and reason."""
    store = RegistryStore(paths.state)
    held = {r.resource_id: r for r in store.registrations() if r.status != "cancelled"}
    changed = [
        lp
        for rid, lp in policies.items()
        if rid in held and rid in fingerprints
        and held[rid].submission.content_sha256 != fingerprints[rid]
    ]  # fmt: skip
    if not changed:
        return []
    found = []
    for lp in changed:
        try:
            found.append(submission(lp, paths, held[lp.policy.resource.id].submission))
        except PolicyError:
            continue
    outcomes = [o for o in register_all(store, found) if o.event == "changed"]
    for o in outcomes:
        r = o.registration
        record(
            paths, "registration_change", subject=r.resource_id,
            counts={"code": r.code, "version": r.version, "rows": r.submission.row_count},
            detail="; ".join(o.changes),
        )  # fmt: skip
    return outcomes
