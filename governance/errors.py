"""Errors a data engineer can act on: where (file, line, key), what was expected, what to do."""

from __future__ import annotations

from pathlib import Path


class GovernanceError(Exception):
    """A user error found while reading policies or the domain's state (never a bug)."""


class PolicyError(GovernanceError):
    """A policy file that cannot be used, pointing at the YAML line when one is known."""

    def __init__(
        self, path: Path | str, message: str, *, line: int | None = None, key: str | None = None
    ):
        self.path = Path(path)
        self.line = line
        self.key = key
        self.message = message
        where = f"{self.path}:{line}" if line else f"{self.path}"
        what = f"{key}: {message}" if key else message
        super().__init__(f"{where}: {what}")


class PolicyErrors(GovernanceError):
    """Every problem found in one policy file, so an engineer fixes them in one pass."""

    def __init__(self, errors: list[PolicyError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
