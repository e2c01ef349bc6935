"""Prefect in a plain process: quiet, offline, and without tracebacks for user errors."""

from __future__ import annotations

import logging
import os
import warnings

from flows.errors import user_errors

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


def configure_prefect(*, verbose: bool = False) -> None:
    """Set offline defaults before Prefect is imported (the user's own settings win)."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    os.environ.setdefault("PYTHONWARNINGS", "ignore:::beartype._util.error.utilerrwarn")
    warnings.filterwarnings("ignore", module="beartype")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


class HideUserTracebacks(logging.Filter):
    """A user error (bad file, refused release) is reported by its message alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], user_errors()):
            record.exc_info = None
            record.exc_text = None
        return True


def install_log_filter() -> None:
    """Attach the traceback filter to every handler Prefect set up."""
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", ""):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, HideUserTracebacks) for f in handler.filters):
                handler.addFilter(HideUserTracebacks())
