"""How a build's steps are run: as Prefect tasks inside a flow run (flows/pipeline/flow.py),
or called directly in this process when no Prefect API is configured, so that a build without
a server pays neither a temporary server nor Prefect's import. Both run the same step
functions in the same order, so they publish the same files."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flows.pipeline.retries import RetryPolicy, transient


@dataclass(frozen=True)
class Step:
    """One step of a build: its task name, the function doing it, and whether it touches
    files in a way worth retrying."""

    name: str
    fn: Callable[..., Any]
    io: bool = False


class Runner(Protocol):
    """Runs steps, logs to where the run's logs go, and leaves a report of each product."""

    def run(self, step: Step, label: str, *args: Any) -> Any: ...

    def log(self, level: int, message: str, *args: Any) -> None: ...

    def report(self, key: str, markdown: str, description: str) -> None: ...


LOGGER = logging.getLogger("sluice.build")


class Direct:
    """Steps called in this process, I/O steps retried as a Prefect task would retry them."""

    def __init__(self, retries: RetryPolicy | None = None):
        self._retries = retries or RetryPolicy.from_env()

    def run(self, step: Step, label: str, *args: Any) -> Any:
        waits = self._retries.delays() if step.io else []
        for attempt in range(len(waits) + 1):
            try:
                return step.fn(*args)
            except OSError as error:
                if attempt == len(waits) or not transient(error):
                    raise
                LOGGER.warning("%s failed (%s); retrying in %g s", label, error, waits[attempt])
                time.sleep(waits[attempt])
        raise AssertionError("unreachable")  # pragma: no cover

    def log(self, level: int, message: str, *args: Any) -> None:
        LOGGER.log(level, message, *args)

    def report(self, key: str, markdown: str, description: str) -> None:
        return None  # the terminal's table shows what the report would
