"""Which engine prepares a build's resources: `local` (this process, one streaming pass) or
`dask` (partitions on a Dask cluster). Chosen by `sluice build --engine/--scheduler` or the
flow's parameters, else by SLUICE_ENGINE and SLUICE_DASK_SCHEDULER; SLUICE_DASK_WORKERS sizes
the LocalCluster started when no scheduler is named, SLUICE_DASK_PARTITIONS fixes how many
parts a resource is split into, and SLUICE_DASK_INSIDE_DOMAIN=1 says that a named cluster's
workers run inside the domain (only then do raw rows and keys go to them)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flows.errors import BuildError

ENGINES = ("local", "dask")
PART_BYTES = 64 << 20
"""A CSV part's size when SLUICE_DASK_PARTITIONS does not fix their number."""


@dataclass(frozen=True)
class EngineChoice:
    """The engine, the cluster it runs on and how a resource is split."""

    name: str = "local"
    scheduler: str | None = None
    workers: int = 2
    partitions: int | None = None
    inside_domain: bool = True
    """A LocalCluster is always inside the domain; a named cluster only when declared so."""

    def parts(self, size: int) -> int:
        """How many parts a file of `size` bytes is split into: the number fixed, else two
        per worker, more when a part would exceed 64 MB."""
        if self.partitions is not None:
            return self.partitions
        return max(2 * self.workers, math.ceil(size / PART_BYTES))


_selected: list[EngineChoice] = []


@contextmanager
def selected(engine: str | None, scheduler: str | None) -> Iterator[EngineChoice]:
    """Use this engine for the builds run inside the block (the settings fill what is not
    given); giving neither keeps the engine selected already, if any."""
    if engine is None and scheduler is None and _selected:
        yield _selected[-1]
        return
    choice = from_settings(engine, scheduler)
    _selected.append(choice)
    try:
        yield choice
    finally:
        _selected.remove(choice)


def current() -> EngineChoice:
    """The engine selected for the running build, else the one the settings name."""
    return _selected[-1] if _selected else from_settings(None, None)


def from_settings(engine: str | None, scheduler: str | None) -> EngineChoice:
    """The engine given, else SLUICE_ENGINE (default local), with the cluster settings."""
    name = (engine or os.environ.get("SLUICE_ENGINE", "") or "local").strip().lower()
    if name not in ENGINES:
        raise BuildError(
            f"engine '{name}' (from --engine or SLUICE_ENGINE) is not one of "
            f"{', '.join(ENGINES)}; use local, or dask to run on a Dask cluster"
        )
    address = scheduler or os.environ.get("SLUICE_DASK_SCHEDULER", "").strip() or None
    if address is not None and name == "local":
        name = "dask"  # naming a scheduler is asking for the cluster
    inside = address is None or os.environ.get("SLUICE_DASK_INSIDE_DOMAIN", "") in ("1", "true")
    return EngineChoice(
        name, address, _whole("SLUICE_DASK_WORKERS", 2), _whole("SLUICE_DASK_PARTITIONS"), inside
    )


def _whole(variable: str, default: int | None = None) -> int | None:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise BuildError(f"{variable}={text!r} is not a whole number >= 1; fix or unset it")
    return int(text)
