"""The Dask cluster a build runs partitions on: the scheduler named (`tcp://host:8786`), or a
LocalCluster of worker processes started on first use and closed when the process exits.

Inside a Prefect flow run the partitions are task runs of a subflow on prefect-dask's
DaskTaskRunner, connected to that cluster, so operators see each partition in the UI; in a
build without a Prefect server they are submitted to a distributed Client directly. Both call
the same plain function with the same arguments."""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flows.errors import BuildError
from flows.pipeline.engines.choice import EngineChoice

T = TypeVar("T")
R = TypeVar("R")


class Cluster:
    """A distributed Client on the chosen cluster, made on first use."""

    def __init__(self, choice: EngineChoice) -> None:
        self.choice = choice
        self._client: Any = None
        self._local: Any = None
        self._lock = threading.Lock()

    @property
    def inside_domain(self) -> bool:
        return self.choice.inside_domain

    def client(self) -> Any:
        """The Client, connecting (or starting the LocalCluster) the first time."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def map(self, fn: Callable[[T], R], items: Sequence[T], name: str) -> list[R]:
        """`fn` of every item on the cluster's workers, results in the items' order."""
        client = self.client()
        if _in_flow_run():
            return _as_task_runs(fn, items, name, client.scheduler.address)
        run = uuid.uuid4().hex[:8]  # a key names one computation: a later build is another
        keys = [f"{name} {i}-{run}" for i in range(len(items))]
        futures = client.map(fn, list(items), pure=False, key=keys)
        return client.gather(futures)

    def close(self) -> None:
        with self._lock:
            for part in (self._client, self._local):
                if part is not None:
                    part.close()
            self._client = self._local = None

    def _connect(self) -> Any:
        from distributed import Client, LocalCluster

        if self.choice.scheduler is not None:
            try:
                return Client(self.choice.scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise BuildError(
                    f"cannot reach the Dask scheduler {self.choice.scheduler} ({exc}); start it "
                    "with `dask scheduler` and its workers with `dask worker <address>`, or leave "
                    "--scheduler out to run on a LocalCluster"
                ) from None
        self._local = LocalCluster(
            n_workers=self.choice.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(self._local)


_clusters: dict[EngineChoice, Cluster] = {}
_clusters_lock = threading.Lock()


def cluster_for(choice: EngineChoice) -> Cluster:
    """One cluster per choice and process, reused by every resource and product of it."""
    with _clusters_lock:
        if choice not in _clusters:
            _clusters[choice] = Cluster(choice)
        return _clusters[choice]


@atexit.register
def _close_all() -> None:
    for cluster in list(_clusters.values()):
        cluster.close()
    _clusters.clear()


def _in_flow_run() -> bool:
    """Inside a Prefect flow run but not inside one of its task runs (without importing
    Prefect in a build that does not use it)."""
    context = sys.modules.get("prefect.context")
    if context is None:
        return False
    return context.FlowRunContext.get() is not None and context.TaskRunContext.get() is None


def _as_task_runs(fn: Callable[[T], R], items: Sequence[T], name: str, address: str) -> list[R]:
    """Each item a task run of a subflow on a DaskTaskRunner connected to `address`."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect_dask import DaskTaskRunner

    step = task(fn, name=name, cache_policy=NO_CACHE)

    @flow(name=name, task_runner=DaskTaskRunner(address=address), validate_parameters=False)
    def on_dask(items: list[T]) -> list[R]:
        futures = [
            step.with_options(task_run_name=f"{name} {i}").submit(item)
            for i, item in enumerate(items)
        ]
        return [future.result() for future in futures]

    return on_dask(list(items))
