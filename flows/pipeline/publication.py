"""Publishing a cleared release as one transaction: the kind keeps inside the domain what the
release needs, the version is written into a hidden folder with the manifest the kind
describes, and then, under a write-ahead intent, one state transaction records the version,
the product's latest version, the ledger footprint, the delivery's metering (when published
under an authorization) and the audit record together (the manifest carries the signed
checkpoint of that record). Only after it commits is the folder renamed into place and the
catalog rewritten; a crash before the commit leaves nothing, and one after it is finished by
the next command (flows/services/recovery.py)."""

from __future__ import annotations

from typing import Any

from flows.clock import now
from flows.files.faults import crash_point
from flows.files.intents import clear_intent, write_intent
from flows.files.published import (
    Published,
    discard_version,
    place_version,
    stage_version,
    write_manifest,
)
from flows.kinds import Job
from flows.kinds.audience import audience
from flows.pipeline.plan import PlannedProduct
from flows.services.audit_trail import publication_entry
from flows.services.checkpoints import append, sign
from flows.services.releases import footprint_rows
from governance import audit, ledger, state
from governance.audit import AuditLog
from governance.authorization.store import AuthorizationStore
from governance.duck import transaction
from governance.pricing import metering
from governance.pricing.metering import Delivery, Tariff
from governance.state import State
from transforms.egress import Release

SCHEMAS = state.SCHEMA + ledger.SCHEMA + audit.SCHEMA + metering.SCHEMA


def publish_release(
    planned: PlannedProduct, job: Job[Any], built: Any, cleared: Release
) -> Published:
    """Publish one cleared release as the product's next version, all of it or nothing."""
    kind, fingerprint, spec = planned.kind, str(planned.fingerprint), job.spec
    paths = job.context.paths
    kind.keep_inside(job, built, fingerprint)
    meta = kind.manifest(job, built, cleared, fingerprint)
    records = State(paths.state)
    after = records.latest_versions().get(spec.id, 0)
    pending = stage_version(
        cleared, product=spec.id, meta=meta, publish_dir=paths.publish, after=after
    )
    parts, cells = footprint_rows(kind.footprint(job, built, cleared), audience(spec, paths))
    crash_point("publish:staged")
    intent = write_intent(paths.home, pending)
    crash_point("publish:intent")
    log = AuditLog(paths.state)
    delivery = _delivery(job, pending.version, int(pending.manifest["rows"]))
    try:
        manifest = pending.manifest
        at = now()
        with transaction(paths.state, SCHEMAS) as con:
            entry = publication_entry(
                spec.id, pending.version, manifest, planned.declared.sha256, job.inputs
            )
            stored = log.append_on(con, entry, at)
            if delivery is not None:
                metering.record_on(con, delivery, stored.seq, at)
            point = sign(paths, stored)  # the manifest vouches for the log up to its record
            pending = write_manifest(pending, {"audit_checkpoint": point.to_json()})
            job.context.releases.record_on(con, spec.id, pending.version, parts, cells, at)
            records.record_version_on(con, {
                "product_id": spec.id, "version": pending.version, "fingerprint": fingerprint,
                "rows": manifest["rows"], "path": str(pending.final),
                "created_at": manifest["created_at"],
            })  # fmt: skip
            records.record_product_on(con, {
                "product_id": spec.id, "resource_id": ",".join(planned.declared.resources),
                "kind": spec.kind, "title": spec.title, "supply_mode": spec.supply_mode,
                "purpose": spec.purpose, "authorization_id": spec.authorization,
                "latest_version": pending.version,
            })  # fmt: skip
            crash_point("publish:recorded")
    except BaseException:
        discard_version(pending)
        clear_intent(intent)
        raise
    crash_point("publish:committed")
    log.write_head(stored)
    published = place_version(pending)
    crash_point("publish:placed")
    append(paths, point)
    clear_intent(intent)
    return published


def _delivery(job: Job[Any], version: int, rows: int) -> Delivery | None:
    """A version published under an authorization is delivered to its operator: metered with
    its rows, at the policy's price and the authorization's cap."""
    spec = job.spec
    if spec.supply_mode != "authorized" or spec.authorization is None:
        return None
    held = AuthorizationStore(job.context.paths.state).get(spec.authorization)
    if held is None:
        return None
    tariff = Tariff.of(held.authorization, spec.id, spec.price)
    return Delivery(
        held.authorization.operator.id, held.id, spec.id, version, spec.purpose, "version",
        rows, tariff,
    )  # fmt: skip
