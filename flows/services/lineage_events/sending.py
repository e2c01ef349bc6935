"""Where lineage events go: always to a JSON-lines file inside the domain
(domain/lineage/events.jsonl, OpenLineage's file transport in append mode), and also to the
endpoint configured the OpenLineage way (OPENLINEAGE_URL, OPENLINEAGE_CONFIG or openlineage.yml,
OPENLINEAGE__TRANSPORT__* variables) when there is one, through its composite transport.

A lineage event describes work; it never decides it. A failing endpoint costs a warning and a
short timeout (2 s, not tried again after a timeout, unless its configuration says otherwise),
then is left alone for a minute (endpoint.py). The file keeps its copy."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import RunEvent
from openlineage.client.transport import Transport
from openlineage.client.transport.composite import CompositeConfig, CompositeTransport
from openlineage.client.transport.file import FileConfig, FileTransport
from openlineage.client.transport.noop import NoopConfig, NoopTransport

from flows.services.lineage_events import endpoint
from flows.settings import Paths

EVENTS = Path("lineage") / "events.jsonl"
TIMEOUT = 2.0
RETRY = {"total": 1, "connect": 1, "read": 0, "status": 0, "backoff_factor": 0.1}
CLIENT_CONFIG: dict[str, Any] = {
    "facets": {"source_code_location": {"disabled": True}, "environment_variables": []}
}
"""What the client may add on its own stays off: the git remote of the working folder and
environment variables could both name places inside the domain."""

_ENVIRONMENT = threading.Lock()
log = logging.getLogger(__name__)


def events_file(paths: Paths) -> Path:
    """The domain's copy of every lineage event, one JSON object a line."""
    return paths.home / EVENTS


def send(paths: Paths, event: RunEvent) -> None:
    """Write `event` to the domain's file and to the configured endpoint; a failure is
    logged, never raised."""
    try:
        client(paths).emit(event)
    except Exception as exc:  # lineage never fails the work it describes
        log.warning("lineage event for %s not sent: %s", event.job.name, exc)


def client(paths: Paths) -> OpenLineageClient:
    """A client whose transport is the domain's file, and the configured endpoint too."""
    target = events_file(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    local = {"type": "file", "log_file_path": str(target), "append": True}
    remote = configured()
    if remote is None:
        transport: Transport = FileTransport(FileConfig.from_dict(local))
    else:
        both = {"domain_file": local, "endpoint": {"type": endpoint.TYPE, "transport": remote}}
        transport = CompositeTransport(CompositeConfig(transports=both, continue_on_failure=True))
    made = _client(transport)
    made.transport = transport  # OPENLINEAGE_DISABLED turns the endpoint off, not the file
    return made


def configured() -> dict[str, Any] | None:
    """The endpoint's transport as OpenLineage's client would read it (its configuration
    file or OPENLINEAGE__ variables first, then OPENLINEAGE_URL), with a short timeout and no
    second try after a timeout unless it sets its own; None when nothing is configured or
    OPENLINEAGE_DISABLED is true."""
    if os.environ.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true":
        return None
    found = dict(_client(NoopTransport(NoopConfig())).config.transport or {})
    if not found.get("type"):
        url = os.environ.get("OPENLINEAGE_URL", "").strip()
        if not url:
            return None
        found = {"type": "http", "url": url}
        found["endpoint"] = os.environ.get("OPENLINEAGE_ENDPOINT", "api/v1/lineage")
        if key := os.environ.get("OPENLINEAGE_API_KEY"):
            found["auth"] = {"type": "api_key", "apiKey": key}
    if found["type"] in ("http", "async_http"):
        found.setdefault("timeout", TIMEOUT)
        found.setdefault("retry", RETRY)
    return found


def _client(transport: Transport) -> OpenLineageClient:
    """OpenLineage's client over `transport`, its configuration read; the variables it adds
    to this process's environment for OPENLINEAGE_URL are taken out again, so the next
    command's configuration reads as the operator wrote it. Products building side by side
    make their clients one at a time."""
    with _ENVIRONMENT:
        before = set(os.environ)
        try:
            return OpenLineageClient(transport=transport, config=CLIENT_CONFIG)
        finally:
            for added in set(os.environ) - before:
                os.environ.pop(added, None)
