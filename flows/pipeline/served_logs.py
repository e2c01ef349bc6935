"""The logs of served runs: Prefect's own logging settings, with one filter on every handler
so that a run failing on a user error (a domain busy with another writer, a bad file) logs what
was wrong and what to do, as `sluice build` prints it, and no traceback."""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

import yaml

from flows.errors import user_errors


class PlainUserErrors(logging.Filter):
    """A user error's record keeps its message (with the error's, when it lacks it) and loses
    its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, user_errors()):
            record.exc_info, record.exc_text = None, None
            if str(error) not in record.getMessage():
                record.msg, record.args = f"{record.getMessage()}: {error}", None
        return True


def logging_settings(folder: Path) -> Path | None:
    """Prefect's own logging settings with `PlainUserErrors` on every handler, written in
    `folder` for the served runs; None when the user keeps logging settings of their own."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    if os.environ.get("PREFECT_LOGGING_SETTINGS_PATH") or (home / "logging.yml").exists():
        return None
    spec = importlib.util.find_spec("prefect")  # its file only: importing it reads settings
    if spec is None or not spec.submodule_search_locations:
        return None
    own = Path(next(iter(spec.submodule_search_locations))) / "logging" / "logging.yml"
    settings = yaml.safe_load(own.read_text(encoding="utf-8"))
    settings.setdefault("filters", {})["plain_user_errors"] = {"()": _qualified(PlainUserErrors)}
    for handler in settings.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "plain_user_errors"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sluice-logging.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _qualified(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"
