"""Lineage of withdrawals (退出): one run per authorization withdrawn, named
`withdrawal.<authorization>`, whose outputs are the versions it took back inside the domain,
each marked dropped from the public namespace. The reason given stays in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flows.services.lineage_events import datasets
from flows.services.lineage_events.run import LineageRun, failed, quietly
from flows.settings import Paths

JOB_TYPE = "WITHDRAWAL"


class Withdrawal:
    """The versions a withdrawal took back, as it goes."""

    def __init__(self) -> None:
        self.versions: list[tuple[str, int]] = []

    def withdrawn(self, product: str, versions: list[int]) -> None:
        self.versions.extend((product, v) for v in versions)


@contextmanager
def withdrawal_run(paths: Paths, authorization_id: str) -> Iterator[Withdrawal]:
    """START on entry; COMPLETE with the versions withdrawn, or FAIL if the block raises."""
    run = _start(paths, authorization_id)
    withdrawal = Withdrawal()
    try:
        yield withdrawal
    except BaseException as exc:
        failed(run, f"withdrawal stopped: {type(exc).__name__}")
        raise
    _complete(run, paths, withdrawal)


@quietly
def _start(paths: Paths, authorization_id: str) -> LineageRun:
    return LineageRun(paths, f"withdrawal.{authorization_id}", JOB_TYPE, [])


@quietly
def _complete(run: LineageRun | None, paths: Paths, done: Withdrawal) -> None:
    if run is not None:
        run.complete([datasets.withdrawn(paths, p, v) for p, v in done.versions])
