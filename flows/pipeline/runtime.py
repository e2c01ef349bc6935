"""Prefect in a plain process: quiet, offline, and without tracebacks for user errors."""

from __future__ import annotations

import logging
import os
import warnings

from flows.errors import BuildError, IngestRefused, user_errors

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


def configure_prefect(*, verbose: bool = False) -> None:
    """Set offline defaults before Prefect is imported (the user's own settings win), and make
    sure a server named by PREFECT_API_URL answers before a flow depends on it."""
    if not os.environ.get("PREFECT_API_URL", "x").strip():
        del os.environ["PREFECT_API_URL"]  # set but empty means no server: Prefect's own one
    check_api(os.environ.get("PREFECT_API_URL", ""))
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    os.environ.setdefault("PYTHONWARNINGS", "ignore:::beartype._util.error.utilerrwarn")
    warnings.filterwarnings("ignore", module="beartype")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def check_api(url: str, timeout: float = 3.0) -> None:
    """Ask the Prefect API at `url` (if any) for its health, so that a server that is down
    gives one line saying what to do rather than Prefect's retries and a long traceback."""
    if not url.strip():
        return
    import httpx

    fix = "start it with `prefect server start`, or unset PREFECT_API_URL to build without a server"
    try:
        answer = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout)
    except httpx.HTTPError as exc:
        reason = type(exc).__name__
        raise BuildError(f"the Prefect API at {url} cannot be reached ({reason}); {fix}") from None
    if answer.status_code != 200:
        raise BuildError(
            f"the Prefect API at {url} answered HTTP {answer.status_code} to a health check; "
            f"check PREFECT_API_URL (it ends in /api), or {fix}"
        )


class HideUserTracebacks(logging.Filter):
    """A user error (bad file, refused release) is reported by its message alone; a refused
    ingest, which `sluice build` reports in full itself, by nothing more."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, IngestRefused) or IngestRefused.__name__ in record.getMessage():
            return False
        if isinstance(error, user_errors()):
            record.exc_info = None
            record.exc_text = None
        return True


def install_log_filter() -> None:
    """Attach the traceback filter to every handler Prefect set up."""
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", ""):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, HideUserTracebacks) for f in handler.filters):
                handler.addFilter(HideUserTracebacks())
