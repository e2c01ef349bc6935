"""Resolving an objection (异议处置): a reasoned rejection lifts its suspensions and restores the
products as they were; upholding it holds corrections of the resource in the domain's state
(the delivered file stays as the department delivered it), records the change of the
registration (登记变更) with a content hash that covers the corrections, and names the
products to rebuild: exactly those the objection affects. The shell rebuilds them (the build
flow lives above the services)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.clock import now
from flows.errors import BuildError
from flows.services.audit_trail import record
from flows.services.lineage import lineage
from flows.services.record_lookup import delivery_sha256
from flows.services.suspension import restore
from flows.settings import Paths
from governance.objections import Correction, Objection, ObjectionStore
from governance.objections.store import content_fingerprint
from governance.registry import RegistryStore
from governance.registry.register import correct


@dataclass(frozen=True)
class Upheld:
    """An upheld objection: the corrections held, the registration version they made, and
    the products to rebuild from the policies in `folder`."""

    objection: Objection
    corrections: int
    registration_version: int | None
    folder: Path
    products: list[str]


def open_objection(paths: Paths, objection_id: str) -> Objection:
    """An objection that may still be resolved, or an error saying why not."""
    objection = ObjectionStore(paths.state).get(objection_id)
    if objection.status != "open":
        at = f" on {objection.resolved_at:%Y-%m-%d}" if objection.resolved_at else ""
        raise BuildError(
            f"objection {objection_id} was already {objection.status}{at}; "
            "a resolved objection cannot be resolved again (file a new one)"
        )
    return objection


def reject(paths: Paths, objection_id: str, reason: str) -> list[str]:
    """Reject an open objection with a reason; returns the products restored."""
    objection = open_objection(paths, objection_id)
    if not reason.strip():
        raise BuildError("a rejection needs its reason: --reason TEXT")
    ObjectionStore(paths.state).resolve(objection_id, "rejected", reason.strip(), now(), [], True)
    suspended = [(p["product_id"], p["version"]) for p in objection.products if p["suspended"]]
    restored = restore(paths, suspended, objection_id)
    record(
        paths, "objection_reject", subject=objection_id,
        outputs=[{"product": p} for p in restored],
        counts={"products": len(objection.products), "restored": len(restored)},
        detail=reason.strip(),
    )  # fmt: skip
    return restored


def uphold(
    paths: Paths, objection_id: str, values: dict[str, str | None], reason: str | None
) -> Upheld:
    """Uphold an open record objection with the corrected `values` (by default the claimed
    ones): hold the corrections, record the registration change, and name the products to
    rebuild."""
    objection = open_objection(paths, objection_id)
    if objection.target != "record" or objection.key_column is None:
        raise BuildError(
            f"objection {objection_id} is against a cell; upholding leads to a correction of a "
            "record: file the record's objection (`sluice objection file --resource ... --key "
            f"COL=VALUE --column COL=VALUE`) and reject {objection_id} with its reason"
        )
    values = values or objection.claimed
    found = lineage(paths, objection.resource_id)
    lp = found.policy(objection.resource_id)
    correctable = [c for c in lp.policy.columns if c != objection.key_column]
    unknown = [c for c in values if c not in correctable]
    if unknown:
        raise BuildError(
            f"cannot correct {', '.join(unknown)} of resource '{objection.resource_id}' "
            f"(correctable columns: {', '.join(correctable)})"
        )
    at = now()
    fixes = [
        Correction(objection.resource_id, objection.key_column, str(objection.key_value),
                   column, value, objection_id, at)
        for column, value in values.items()
    ]  # fmt: skip
    why = reason or f"correction under objection {objection_id}"
    store = ObjectionStore(paths.state)
    store.resolve(objection_id, "upheld", why, at, fixes, False)
    record(
        paths, "objection_uphold", subject=objection_id,
        counts={"corrections": len(fixes), "products": len(objection.products)},
    )  # fmt: skip
    held = store.corrections(objection.resource_id)
    fingerprint = content_fingerprint(delivery_sha256(lp, paths), held)
    registration = correct(
        RegistryStore(paths.state), objection.resource_id, fingerprint, len(fixes),
        f"correction under objection {objection_id}",
    )  # fmt: skip
    record(
        paths, "correction", subject=objection.resource_id,
        counts={"objection": objection_id, "corrections": len(fixes),
                "columns": sorted(values), "registration_version": registration.version},
    )  # fmt: skip
    products = sorted({p["product_id"] for p in objection.products})
    return Upheld(objection, len(fixes), registration.version, found.folder, products)
