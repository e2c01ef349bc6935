"""The build as a Prefect flow: the steps of flows/pipeline/build.py as tasks, named by
resource and product, I/O tasks retried with exponential backoff, INFO logs and one Markdown
artifact per product sent to the server, where operators watch runs. Deployments run this
flow; `sluice build` runs it when a Prefect API is configured, and otherwise calls the same
steps directly (flows/pipeline/runner.py `Direct`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows.pipeline.build import execute
from flows.pipeline.engines import selected
from flows.pipeline.plan import BuildPlan, plan_build
from flows.pipeline.results import BuildResult
from flows.pipeline.retries import RetryPolicy, transient
from flows.pipeline.runner import Step
from flows.pipeline.steps import STEPS
from flows.services.recovery import reconcile
from flows.services.writer import exclusive
from flows.settings import Paths


def _retry_when_transient(_task: Any, _run: Any, state: Any) -> bool:
    """Prefect's retry condition: only a transient OS error is worth another try."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:  # a result that cannot be read: not a transient OS error
        return False
    return transient(error if isinstance(error, BaseException) else None)


def _as_task(step: Step, retries: RetryPolicy) -> Task[..., Any]:
    if not step.io or not retries.retries:
        return task(step.fn, name=step.name, cache_policy=NO_CACHE)
    return task(
        step.fn,
        name=step.name,
        cache_policy=NO_CACHE,
        retries=retries.retries,
        retry_delay_seconds=exponential_backoff(retries.delay),
        retry_condition_fn=_retry_when_transient,
    )


class AsTasks:
    """Each step a task run of the current flow run, named by what it works on."""

    def __init__(self, retries: RetryPolicy | None = None):
        retries = retries or RetryPolicy.from_env()
        self._tasks = {step.name: _as_task(step, retries) for step in STEPS}

    def run(self, step: Step, label: str, *args: Any) -> Any:
        return self._tasks[step.name].with_options(task_run_name=label)(*args)

    def log(self, level: int, message: str, *args: Any) -> None:
        get_run_logger().log(level, message, *args)

    def report(self, key: str, markdown: str, description: str) -> None:
        create_markdown_artifact(markdown=markdown, key=key, description=description)


@flow(name="sluice-build", log_prints=False, validate_parameters=False)
def build(
    target: str,
    products: list[str] | None = None,
    plan: BuildPlan | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build every product of the policies at `target` (a file or a folder), or only
    `products`; from `plan` when the caller has planned already (the CLI does)."""
    paths = Paths.from_env()
    with exclusive(paths, "sluice build"):  # held already when the CLI started it
        reconcile(paths)
        if plan is None:  # a run started from a deployment has had no planning
            plan = plan_build(Path(target), products, paths, strict=False)
        with selected(engine, scheduler):  # engine: local or dask; scheduler: tcp://host:8786
            result = execute(plan, paths, AsTasks())
    create_table_artifact(key="sluice-build", table=result.rows(), description="Products")
    return result
