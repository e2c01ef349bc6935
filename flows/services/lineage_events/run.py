"""One OpenLineage run: a START event when it begins, then one COMPLETE or FAIL. Jobs live in
the namespace OPENLINEAGE_NAMESPACE names ("sluice" by default), as OpenLineage's own
integrations read it. Emitting never raises: lineage describes the work, it never stops it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from importlib.metadata import version
from typing import Any, TypeVar

from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import error_message_run, job_type_job, processing_engine_run
from openlineage.client.uuid import generate_new_uuid

from flows.clock import now
from flows.services.lineage_events.sending import send
from flows.settings import Paths

NAMESPACE = "sluice"
PRODUCER = f"urn:sluice:{version('sluice')}"
_PATHLIKE = re.compile(r"\S*[/\\]\S*")
log = logging.getLogger(__name__)
T = TypeVar("T")


def quietly(method: Callable[..., T]) -> Callable[..., T | None]:
    """A lineage step whose failure is logged and otherwise ignored."""

    @wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> T | None:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            log.warning("lineage: %s failed: %s", method.__name__, exc)
            return None

    return guarded


def job_namespace() -> str:
    return os.environ.get("OPENLINEAGE_NAMESPACE", "").strip() or NAMESPACE


def scrub(message: str, names: Iterable[str] = ()) -> str:
    """`message` without anything path-like and without the file `names` given, so a reason
    read inside the domain names no place in it."""
    for name in names:
        if name:
            message = message.replace(name, "<file>")
    return _PATHLIKE.sub("<path>", message)


class LineageRun:
    """A run of the job `name` (of type `kind`), started on creation."""

    def __init__(self, paths: Paths, name: str, kind: str, inputs: Sequence[InputDataset]):
        self.paths, self.name, self.kind = paths, name, kind
        self.inputs = list(inputs)
        self.id = str(generate_new_uuid())
        self.ended = False
        self._emit(RunState.START)

    def complete(self, outputs: Sequence[OutputDataset] = ()) -> None:
        """The run published (or withdrew, or answered) `outputs`."""
        if not self.ended:
            self.ended = True
            self._emit(RunState.COMPLETE, outputs)

    def fail(self, message: str) -> None:
        """The run was refused or stopped; `message` says why, and names no data."""
        if not self.ended:
            self.ended = True
            error = error_message_run.ErrorMessageRunFacet(message, "python")
            self._emit(RunState.FAIL, facets={"errorMessage": error})

    def _emit(
        self,
        state: RunState,
        outputs: Sequence[OutputDataset] = (),
        facets: dict[str, Any] | None = None,
    ) -> None:
        engine = processing_engine_run.ProcessingEngineRunFacet(
            version("sluice"), "sluice", version("openlineage-python")
        )
        kind = job_type_job.JobTypeJobFacet("BATCH", "SLUICE", self.kind)
        event = RunEvent(
            eventTime=now().replace(tzinfo=dt.UTC).isoformat(),
            producer=PRODUCER,
            eventType=state,
            run=Run(self.id, facets={"processing_engine": engine, **(facets or {})}),
            job=Job(job_namespace(), self.name, facets={"jobType": kind}),
            inputs=self.inputs,
            outputs=list(outputs),
        )
        send(self.paths, event)


@quietly
def failed(run: LineageRun | None, message: str) -> None:
    """End `run` (when it started) as failed."""
    if run is not None:
        run.fail(message)
