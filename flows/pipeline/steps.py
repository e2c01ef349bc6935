"""The steps of a build as plain functions, named as their Prefect tasks are: a resource is
ingested, validated and de-identified; a product is built, judged by the egress gate and
published. A refusal is returned, not raised: it is an outcome of the run, audited and
reported, not a failure of the step (so no traceback is logged for it)."""

from __future__ import annotations

from typing import Any

from flows.files.published import Published
from flows.files.streaming import streaming
from flows.kinds import BuildRefused, Job
from flows.pipeline import prepare
from flows.pipeline.plan import PlannedProduct
from flows.pipeline.publication import publish_release
from flows.pipeline.runner import Step
from transforms.egress import Check, EgressRefused, Release, egress_gate

Refusal = BuildRefused | EgressRefused


def build_product(planned: PlannedProduct, job: Job[Any]) -> Any:
    """What the product's kind builds, or why it cannot."""
    try:
        return planned.kind.build(job)
    except (BuildRefused, EgressRefused) as refused:
        return refused


def gate(planned: PlannedProduct, job: Job[Any], built: Any) -> Release | Refusal:
    """The gate's universal checks plus the kind's rules; a kind that hands it no rule to
    re-check the release from the data is refused, whatever the release holds."""
    try:
        request = planned.kind.gate(job, built)
        if not request.rules:
            why = (
                f"kind '{planned.kind.name}' hands the gate no rule that re-checks it from the data"
            )
            raise EgressRefused([Check("kind_rules", False, {"rules": 0}, why)])
        with streaming():
            return egress_gate(request.frame, lineage=request.lineage, rules=request.rules)
    except (BuildRefused, EgressRefused) as refused:
        return refused


def publish(planned: PlannedProduct, job: Job[Any], built: Any, cleared: Release) -> Published:
    """Write the version and record it, all or nothing."""
    return publish_release(planned, job, built, cleared)


INGEST = Step("ingest", prepare.ingest, io=True)
VALIDATE = Step("validate", prepare.validate)
DEIDENTIFY = Step("de-identify", prepare.deidentify)
BUILD = Step("build", build_product)
GATE = Step("egress-gate", gate)
PUBLISH = Step("publish", publish)
STEPS = (INGEST, VALIDATE, DEIDENTIFY, BUILD, GATE, PUBLISH)
