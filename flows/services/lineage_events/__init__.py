"""OpenLineage run events for the work that moves data across the domain's edge: product
builds and their publications, withdrawals and verification batches. Datasets are named by
registration code and by product version, columns by name; nothing read inside the domain
goes into an event. Events go to domain/lineage/events.jsonl, and to the endpoint configured
the OpenLineage way (see docs/lineage.md).

OpenLineage's client takes a quarter of a second to import, so the modules that use it load
when the first event is made, or earlier on a thread of their own (`warm_up`), while a build
reads its first resource."""

from __future__ import annotations

import importlib
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flows.services.lineage_events.products import Planned, ProductRun
    from flows.services.lineage_events.verifications import Batch
    from flows.services.lineage_events.withdrawals import Withdrawal
    from flows.settings import Paths

__all__ = [
    "ProductRun",
    "events_file",
    "product_run",
    "refused_run",
    "verification_run",
    "warm_up",
    "withdrawal_run",
]

_MODULES = ("products", "sending", "verifications", "withdrawals")


def _load(module: str) -> Any:
    return importlib.import_module(f"{__name__}.{module}")


def warm_up() -> None:
    """Import the event modules on a daemon thread, so that the first event does not wait."""
    threading.Thread(target=lambda: [_load(m) for m in _MODULES], daemon=True).start()


def product_run(paths: Paths, planned: Planned) -> ProductRun:
    """A product build's run: START now, COMPLETE or FAIL later (products.product_run)."""
    return _load("products").product_run(paths, planned)


def refused_run(paths: Paths, planned: Planned, refused: BaseException | str) -> None:
    """A product refused before it was built (products.refused_run)."""
    _load("products").refused_run(paths, planned, refused)


def events_file(paths: Paths) -> Path:
    """Where the domain keeps its events (sending.events_file)."""
    return _load("sending").events_file(paths)


def verification_run(paths: Paths, product_id: str, operator: str) -> AbstractContextManager[Batch]:
    """A verification batch's run (verifications.verification_run)."""
    return _load("verifications").verification_run(paths, product_id, operator)


def withdrawal_run(paths: Paths, authorization_id: str) -> AbstractContextManager[Withdrawal]:
    """A withdrawal's run (withdrawals.withdrawal_run)."""
    return _load("withdrawals").withdrawal_run(paths, authorization_id)
