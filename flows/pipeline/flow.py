"""The build flow: plan -> per resource ingest, validate, de-identify -> per product build, egress
gate, publish. Each product kind says how it builds, what the gate re-checks and what its
manifest holds; the flow only looks the kind up.

Runs in a plain process (Prefect's ephemeral mode) or against a Prefect server, where operators
watch runs and their summary artifact in the UI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.errors import IngestRefused
from flows.files.ingest import Staged
from flows.files.published import Published
from flows.files.streaming import streaming
from flows.kinds import BuildContext, BuildRefused, Job, Prepared
from flows.pipeline import prepare
from flows.pipeline.plan import BuildPlan, PlannedProduct, plan_build, settle
from flows.pipeline.publication import publish_release
from flows.pipeline.resources import Resources
from flows.pipeline.results import BuildResult, ProductOutcome, Status
from flows.services.audit_trail import record_refusal
from flows.services.recovery import reconcile
from flows.services.writer import exclusive
from flows.settings import Paths
from governance.budget import BudgetLedger
from governance.ledger import ReleaseLedger
from governance.policy.load import LoadedPolicy
from governance.state import State
from transforms.egress import Check, EgressRefused, Release, egress_gate


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(loaded: LoadedPolicy, paths: Paths) -> Staged:
    return prepare.ingest(loaded, paths)


@task(name="validate", cache_policy=NO_CACHE)
def validate(
    loaded: LoadedPolicy, staged: Staged, corrections: list[prepare.Fix]
) -> prepare.Checked:
    return prepare.validate(loaded, staged, corrections)


@task(name="de-identify", cache_policy=NO_CACHE)
def deidentify(
    loaded: LoadedPolicy,
    staged: Staged,
    checked: prepare.Checked,
    paths: Paths,
    load_key: prepare.KeyLoader,
) -> Prepared:
    return prepare.deidentify(loaded, staged, checked, paths, load_key)


Refusal = BuildRefused | EgressRefused
"""A product the build or the gate refused: an outcome of the run, audited and reported, not
a failure of the task (so no traceback is logged for it)."""


@task(name="build-product", cache_policy=NO_CACHE)
def build_product(planned: PlannedProduct, job: Job[Any]) -> Any:
    try:
        return planned.kind.build(job)
    except (BuildRefused, EgressRefused) as refused:
        return refused


@task(name="egress-gate", cache_policy=NO_CACHE)
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


@task(name="publish", cache_policy=NO_CACHE)
def publish(planned: PlannedProduct, job: Job[Any], built: Any, cleared: Release) -> Published:
    return publish_release(planned, job, built, cleared)


@flow(name="sluice-build", log_prints=False, validate_parameters=False)
def build(
    target: str, products: list[str] | None = None, plan: BuildPlan | None = None
) -> BuildResult:
    """Build every product of the policies at `target` (a file or a folder), or only
    `products`; from `plan` when the caller has planned already (the CLI does)."""
    paths = Paths.from_env()
    with exclusive(paths, "sluice build"):  # held already when the CLI started it
        reconcile(paths)
        return _build(target, products, plan, paths)


def _build(
    target: str, products: list[str] | None, plan: BuildPlan | None, paths: Paths
) -> BuildResult:
    if plan is None:  # a run started from a deployment has had no planning
        plan = plan_build(Path(target), products, paths, strict=False)
    for problem in plan.problems:
        get_run_logger().error("%s", problem)
    state = State(paths.state)
    outcomes = settle(plan, paths)
    load_key = prepare.key_loader(paths, state)
    context = BuildContext(paths, BudgetLedger(paths.state), load_key, ReleaseLedger(paths.state))
    resources = Resources(plan, paths, state, lambda lp: _prepare(lp, paths, load_key))
    try:
        for planned in resources.order():
            try:
                sources = resources.prepared(planned)
            except IngestRefused as refused:  # audited; the other resources still build
                outcomes[planned.spec.id] = _not_read(planned, refused)
                resources.done(planned)
                continue
            job = Job(planned.spec, planned.declared, sources, context)
            outcomes[planned.spec.id] = _build_one(planned, job, paths, state)
            resources.done(planned)
    finally:
        resources.close()
    result = BuildResult(tuple(outcomes[p.spec.id] for p in plan.products), resources.outcomes())
    create_table_artifact(key="sluice-build", table=result.rows(), description="Products")
    return result


def _prepare(loaded: LoadedPolicy, paths: Paths, load_key: prepare.KeyLoader) -> Prepared:
    staged = ingest(loaded, paths)
    checked = validate(loaded, staged, prepare.fixes(loaded, paths))
    prepared = deidentify(loaded, staged, checked, paths, load_key)
    if prepared.quarantined:
        get_run_logger().info(
            "%s: %d row(s) quarantined in %s",
            prepared.resource,
            prepared.quarantined,
            prepared.quarantine_file,
        )
    return prepared


def _not_read(planned: PlannedProduct, refused: IngestRefused) -> ProductOutcome:
    """A product whose resource may not be published from this time."""
    spec = planned.spec
    return ProductOutcome(
        spec.id, spec.kind, Status.REFUSED, planned.declared.resources, message=str(refused),
        authorization=spec.authorization, clause=refused.clause,
    )  # fmt: skip


def _build_one(
    planned: PlannedProduct, job: Job[Any], paths: Paths, state: State
) -> ProductOutcome:
    """Build, gate and publish one product; a refusal writes nothing and is audited."""
    spec = planned.spec
    built = build_product(planned, job)
    cleared = built if isinstance(built, Refusal) else gate(planned, job, built)
    if isinstance(cleared, Refusal):
        refused = cleared
        clause = refused.clause if isinstance(refused, BuildRefused) else None
        get_run_logger().error("%s refused: %s", spec.id, refused)
        record_refusal(
            paths, spec.id, spec.kind, str(refused), clause=clause,
            authorization=spec.authorization, policy_sha256=planned.declared.sha256,
        )  # fmt: skip
        return ProductOutcome(
            spec.id, spec.kind, Status.REFUSED, planned.declared.resources,
            message=str(refused), authorization=spec.authorization, clause=clause,
        )  # fmt: skip
    published = publish(planned, job, built, cleared)
    return ProductOutcome.from_manifest(
        published.manifest, Status.PUBLISHED, paths.publish, kind=spec.kind,
        resources=planned.declared.resources,
    )  # fmt: skip
