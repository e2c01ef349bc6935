"""Prefect in a plain process: quiet, offline, and without tracebacks for user errors."""

from __future__ import annotations

import logging
import os
import tomllib
import warnings
from pathlib import Path

from flows.errors import BuildError, IngestRefused, user_errors

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}
"""INFO lines reach the server's run logs; the terminal shows warnings and errors only."""


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
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    os.environ.setdefault("PYTHONWARNINGS", "ignore:::beartype._util.error.utilerrwarn")
    warnings.filterwarnings("ignore", module="beartype")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def api_configured() -> bool:
    """Whether builds report to a Prefect server: PREFECT_API_URL in the environment, or in
    the active profile of PREFECT_HOME (as `prefect config set` leaves it). Read without
    importing Prefect, which a build without a server does not need."""
    if "PREFECT_API_URL" in os.environ:
        return bool(os.environ["PREFECT_API_URL"].strip())
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml"))
    try:
        settings = tomllib.loads(profiles.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or settings.get("active", "ephemeral")
    profile = settings.get("profiles", {}).get(active, {})
    return bool(str(profile.get("PREFECT_API_URL", "")).strip())


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
