"""Engines that prepare a build's resources: `local` in this process, `dask` in partitions on a
Dask cluster (see docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Callable

from flows.kinds import Prepared
from flows.pipeline.engines.choice import ENGINES, EngineChoice, current, selected
from flows.pipeline.prepare import KeyLoader
from flows.settings import Paths
from governance.policy.load import LoadedPolicy

__all__ = ["ENGINES", "EngineChoice", "preparer", "selected"]


def preparer(
    local: Callable[[LoadedPolicy], Prepared], paths: Paths, load_key: KeyLoader
) -> Callable[[LoadedPolicy], Prepared]:
    """How the running build prepares a resource: `local` for the local engine, else in
    partitions on the chosen cluster."""
    choice = current()
    if choice.name == "local":
        return local
    from flows.pipeline.engines.cluster import cluster_for
    from flows.pipeline.engines.partitioned import prepare_partitioned

    cluster = cluster_for(choice)
    return lambda loaded: prepare_partitioned(loaded, paths, load_key, cluster)
