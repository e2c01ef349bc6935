"""Publishing a cleared release: the kind keeps inside the domain what the release needs, the
version is written with the manifest the kind describes, and the publication is audited."""

from __future__ import annotations

from typing import Any

from flows.clock import now
from flows.files.published import Published, publish
from flows.kinds import Job
from flows.kinds.audience import audience
from flows.pipeline.plan import PlannedProduct
from flows.services.audit_trail import record_publication
from flows.services.releases import record_footprint
from transforms.egress import Release


def publish_release(
    planned: PlannedProduct, job: Job[Any], built: Any, cleared: Release
) -> Published:
    """Publish one cleared release as the product's next version."""
    kind, fingerprint = planned.kind, str(planned.fingerprint)
    kind.keep_inside(job, built, fingerprint)
    meta = kind.manifest(job, built, cleared, fingerprint)
    published = publish(
        cleared, product=job.spec.id, meta=meta, publish_dir=job.context.paths.publish
    )
    record_publication(job.context.paths, published, planned.declared.sha256, job.inputs)
    footprint = kind.footprint(job, built, cleared)
    readers = audience(job.spec, job.context.paths)
    record_footprint(job.context.releases, footprint, published.version, now(), readers)
    return published
