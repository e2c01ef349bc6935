"""The domain's deployments on a Prefect server: made from what the policies offer (the build
flow `sluice-build` with its parameters, schedule and tags), and read back with their next and
last runs for `sluice deployments`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flows.pipeline.deployments import Offered
from flows.services.schedules import Timing
from governance.policy.schedule import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from prefect.client.orchestration import PrefectClient
    from prefect.deployments.runner import RunnerDeployment

FLOW = "sluice-build"


def runner_deployments(found: Sequence[Offered]) -> list[RunnerDeployment]:
    """One served deployment of the build flow per offer; the flow is imported by module path,
    so a run starts from any working folder."""
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline.flow import build

    return [
        build.to_deployment(
            o.name,
            schedules=_schedules(o.timing),
            parameters=o.parameters,
            tags=list(o.tags),
            description=f"{o.description}; {o.timing.describe()} ({o.timing.source})",
            entrypoint_type=EntrypointType.MODULE_PATH,
            enforce_parameter_schema=False,
        )
        for o in found
    ]


def _schedules(timing: Timing) -> list[Any]:
    from prefect.schedules import Cron, Interval

    if timing.cron:
        return [Cron(timing.cron, timezone=timing.timezone)]
    if timing.interval:
        return [Interval(timing.interval, timezone=timing.timezone)]
    return []


@dataclass(frozen=True)
class Listed:
    """A deployment of the build flow as the server holds it."""

    name: str
    schedule: str
    paused: bool
    next_run: dt.datetime | None
    last_state: str | None
    last_time: dt.datetime | None
    tags: tuple[str, ...]
    timezone: str
    """The time zone of its schedule (or the default), to show its times in."""


def listed(api: str) -> list[Listed]:
    """The build flow's deployments on the server at `api`, by name."""
    return asyncio.run(_listed(api))


async def _listed(api: str) -> list[Listed]:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    async with PrefectClient(api) as client:
        named = FlowFilter(name=FlowFilterName(any_=[FLOW]))
        deployments = await client.read_deployments(flow_filter=named)
        found = [await _one(client, d) for d in deployments]
    return sorted(found, key=lambda d: d.name)


async def _one(client: PrefectClient, deployment: Any) -> Listed:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    this = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))

    async def first(types: list[StateType], sort: FlowRunSort) -> Any:
        state = FlowRunFilterState(type=FlowRunFilterStateType(any_=types))
        runs = await client.read_flow_runs(
            deployment_filter=this, flow_run_filter=FlowRunFilter(state=state), sort=sort, limit=1
        )
        return runs[0] if runs else None

    coming = await first([StateType.SCHEDULED], FlowRunSort.EXPECTED_START_TIME_ASC)
    done = [t for t in StateType if t not in (StateType.SCHEDULED, StateType.PENDING)]
    last = await first(done, FlowRunSort.START_TIME_DESC)
    schedules = [s for s in deployment.schedules if s.active]
    zones = [z for s in schedules if (z := getattr(s.schedule, "timezone", None))]
    return Listed(
        deployment.name, "; ".join(_describe(s.schedule) for s in schedules) or "on demand",
        deployment.paused, coming.expected_start_time if coming else None,
        last.state.name if last and last.state else None,
        (last.end_time or last.start_time) if last else None, tuple(deployment.tags),
        (zones or [DEFAULT_TIMEZONE])[0],
    )  # fmt: skip


def _describe(schedule: Any) -> str:
    cron = getattr(schedule, "cron", None)
    if cron:
        return f"cron {cron} ({schedule.timezone or 'UTC'})"
    interval = getattr(schedule, "interval", None)
    if interval:
        return f"every {int(interval.total_seconds() // 60)} minutes"
    return str(schedule)
