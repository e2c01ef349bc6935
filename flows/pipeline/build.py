"""A build, run by a runner: per resource ingest, validate, de-identify; per product build,
egress gate, publish. Products that share no resource are independent (no release of one
can be combined with the other's in the ledger), so they build side by side; products of one
resource build one after another, each judged with what the one before it published.

The same code runs inside a Prefect flow run (steps as tasks) and directly in this process
(steps as calls); see flows/pipeline/runner.py."""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flows.errors import BuildError, IngestRefused
from flows.files.streaming import streaming
from flows.kinds import BuildContext, BuildRefused, Job, Prepared, linked
from flows.pipeline import prepare
from flows.pipeline.engines import preparer
from flows.pipeline.plan import BuildPlan, PlannedProduct, plan_build, settle
from flows.pipeline.progress import watcher
from flows.pipeline.report import product_report
from flows.pipeline.resources import Resources
from flows.pipeline.results import BuildResult, ProductOutcome, Status
from flows.pipeline.runner import Runner
from flows.pipeline.steps import (
    BUILD,
    DEIDENTIFY,
    GATE,
    INGEST,
    PUBLISH,
    VALIDATE,
    Refusal,
)
from flows.services.audit_trail import record_refusal
from flows.services.lineage_events import product_run, refused_run, warm_up
from flows.services.writer import WRITER_LOCK
from flows.settings import Paths
from governance.budget import BudgetLedger
from governance.duck import kept_open, unkept
from governance.ledger import ReleaseLedger
from governance.policy.load import LoadedPolicy
from governance.state import State
from transforms.linked.programme import warm_up as solvers

JOINT = ("model", "index")
"""Kinds whose tables are protected jointly with the live tables of their resource."""

PUBLISHING = threading.Lock()
"""One publication at a time: each rewrites the catalog and extends the audit chain."""


def execute(plan: BuildPlan, paths: Paths, runner: Runner) -> BuildResult:
    """Build the plan's products to build; settle the others; return every outcome. The
    state's short sessions share one connection; the long steps let go of it (`unkept`).
    What the joint protection kept from product to product goes with the build, and a
    build starts from nothing kept, as a fresh process does."""
    linked.forget()
    try:
        with kept_open(paths.state):
            return _execute(plan, paths, runner)
    finally:
        linked.forget()


def _execute(plan: BuildPlan, paths: Paths, runner: Runner) -> BuildResult:
    if plan.to_build:
        warm_up()  # the lineage client loads while the first resource is read
        if any(p.spec.kind in JOINT for p in plan.to_build):
            solvers()  # and so does the joint protection's solver
    for problem in plan.problems:
        runner.log(logging.ERROR, "%s", problem)
    for change in plan.registration_changes:  # shown in the terminal too: worth a look
        runner.log(logging.WARNING, "%s", change)
    state = State(paths.state)
    outcomes: dict[str, ProductOutcome] = settle(plan, paths)
    load_key = prepare.key_loader(paths, state)
    releases = ReleaseLedger(paths.state, writer=paths.home / WRITER_LOCK)
    context = BuildContext(paths, BudgetLedger(paths.state), load_key, releases)
    groups = independent(plan.to_build)
    built: list[tuple[dict[str, ProductOutcome], Resources]] = []

    def one_group(products: list[PlannedProduct]) -> None:
        prepare_one = preparer(lambda lp: _prepare(lp, paths, load_key, runner), paths, load_key)
        resources = Resources(plan, paths, state, prepare_one, products)
        found: dict[str, ProductOutcome] = {}
        built.append((found, resources))
        try:
            for planned in resources.order():
                found[planned.spec.id] = _one(planned, resources, context, paths, runner)
                resources.done(planned)
        finally:
            resources.close()

    with streaming():
        _side_by_side(one_group, groups)
    for found, _ in built:
        outcomes.update(found)
    result = BuildResult(
        tuple(outcomes[p.spec.id] for p in plan.products),
        tuple(r for _, resources in built for r in resources.outcomes()),
    )
    for outcome in result.products:
        runner.report(*product_report(outcome))
    return result


def build_in_process(target: str, products: list[str] | None = None) -> BuildResult:
    """Build the products of `target` (or only `products`) in this process, as the CLI does
    without a Prefect server: under the domain's writer lock, after recovery."""
    from flows.pipeline.runner import Direct
    from flows.services.recovery import reconcile
    from flows.services.writer import exclusive

    paths = Paths.from_env()
    with exclusive(paths, "sluice build"):
        reconcile(paths)
        plan = plan_build(Path(target), products, paths, strict=False)
        return execute(plan, paths, Direct())


def independent(products: Sequence[PlannedProduct]) -> list[list[PlannedProduct]]:
    """The products in groups that share no resource, each in declaration order: a product
    drawing on several resources joins their groups."""
    owner: dict[str, int] = {}
    groups: dict[int, list[PlannedProduct]] = {}
    for number, planned in enumerate(products):
        joined = sorted({owner[r] for r in planned.declared.resources if r in owner})
        members = [p for g in joined for p in groups.pop(g)] + [planned]
        groups[number] = sorted(members, key=products.index)
        for p in members:
            for rid in p.declared.resources:
                owner[rid] = number
    return [groups[g] for g in sorted(groups, key=lambda g: products.index(groups[g][0]))]


def concurrency() -> int:
    """Groups of products built at once (SLUICE_CONCURRENCY, default 2)."""
    text = os.environ.get("SLUICE_CONCURRENCY", "2").strip() or "2"
    if not text.isdigit() or int(text) < 1:
        raise BuildError(f"SLUICE_CONCURRENCY={text!r} is not a whole number >= 1; fix or unset it")
    return int(text)


def _side_by_side(work: Any, groups: list[list[PlannedProduct]]) -> None:
    """Run `work` on each group, several at once, each thread in a copy of this context (so
    a Prefect flow run and the watcher follow it); the first error is raised after all end."""
    workers = min(concurrency(), len(groups))
    if workers <= 1:
        for group in groups:
            work(group)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="sluice-build") as pool:
        futures = [pool.submit(contextvars.copy_context().run, work, g) for g in groups]
    for future in futures:
        future.result()


def _prepare(
    loaded: LoadedPolicy, paths: Paths, load_key: prepare.KeyLoader, runner: Runner
) -> Prepared:
    rid = loaded.policy.resource.id
    watcher().step(rid, "reading")
    with unkept(paths.state):
        staged = runner.run(INGEST, f"ingest {rid}", loaded, paths)
    watcher().step(rid, "validating and de-identifying", staged.rows)
    checked = runner.run(VALIDATE, f"validate {rid}", loaded, staged, prepare.fixes(loaded, paths))
    with unkept(paths.state):
        prepared = runner.run(DEIDENTIFY, f"de-identify {rid}", loaded, staged, checked, paths,
                              load_key)  # fmt: skip
    runner.log(logging.INFO, "%s: %d row(s) passed, %d quarantined", rid, prepared.rows,
               prepared.quarantined)  # fmt: skip
    watcher().done(rid, f"{prepared.rows:,} rows")
    return prepared


def _one(
    planned: PlannedProduct,
    resources: Resources,
    context: BuildContext,
    paths: Paths,
    runner: Runner,
) -> ProductOutcome:
    """Prepare what the product draws on, then build, gate and publish it."""
    try:
        sources = resources.prepared(planned)
    except IngestRefused as refused:  # audited; the other resources still build
        watcher().done(planned.spec.id, "refused")
        refused_run(paths, planned, refused)
        return _not_read(planned, refused)
    job = Job(planned.spec, planned.declared, sources, context)
    outcome = _build_one(planned, job, paths, runner)
    watcher().done(planned.spec.id, str(outcome.status))
    return outcome


def _not_read(planned: PlannedProduct, refused: IngestRefused) -> ProductOutcome:
    """A product whose resource may not be published from this time."""
    spec = planned.spec
    return ProductOutcome(
        spec.id, spec.kind, Status.REFUSED, planned.declared.resources, message=str(refused),
        authorization=spec.authorization, clause=refused.clause,
    )  # fmt: skip


def _build_one(
    planned: PlannedProduct, job: Job[Any], paths: Paths, runner: Runner
) -> ProductOutcome:
    """Build, gate and publish one product; a refusal writes nothing and is audited."""
    spec = planned.spec
    run = product_run(paths, planned)  # lineage: START now, COMPLETE or FAIL below
    watcher().step(spec.id, "building")
    with unkept(paths.state):  # the long steps leave the state file free for readers
        cleared = built = runner.run(BUILD, f"build {spec.id}", planned, job)
        if not isinstance(built, Refusal):
            watcher().step(spec.id, "egress gate")
            cleared = runner.run(GATE, f"gate {spec.id}", planned, job, built)
    if isinstance(cleared, Refusal):
        refused = cleared
        clause = refused.clause if isinstance(refused, BuildRefused) else None
        runner.log(logging.ERROR, "%s refused: %s", spec.id, refused)
        record_refusal(
            paths, spec.id, spec.kind, str(refused), clause=clause,
            authorization=spec.authorization, policy_sha256=planned.declared.sha256,
        )  # fmt: skip
        run.fail(refused)
        return ProductOutcome(
            spec.id, spec.kind, Status.REFUSED, planned.declared.resources,
            message=str(refused), authorization=spec.authorization, clause=clause,
        )  # fmt: skip
    watcher().step(spec.id, "publishing")
    with PUBLISHING:
        published = runner.run(PUBLISH, f"publish {spec.id}", planned, job, built, cleared)
    run.complete(published, job, built)
    outcome = ProductOutcome.from_manifest(
        published.manifest, Status.PUBLISHED, paths.publish, kind=spec.kind,
        resources=planned.declared.resources,
    )  # fmt: skip
    runner.log(logging.INFO, "%s: version %d published, %d row(s)", spec.id, outcome.version,
               outcome.rows)  # fmt: skip
    return outcome
