"""Errors of the shell: input files and the domain's folders, reported without a traceback."""

from __future__ import annotations


class BuildError(Exception):
    """A build cannot go on because of input a user can fix (file, header, encoding, key)."""


class IngestRefused(BuildError):
    """A resource was read, but what was read may not be published from (too many rows
    rejected, none at all, a sharp fall, lines the parser could not account for); nothing is
    published from it, the quarantine is kept, the refusal is audited, and the exit code is 3."""

    def __init__(self, resource: str, problems: list[str], clause: str | None = None):
        super().__init__("\n".join(problems))
        self.resource = resource
        self.clause = clause


class RequestRefused(Exception):
    """A request the product may not answer (authorization, quota, enumeration); audited."""


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean 'fix your input', across the three layers."""
    from governance.errors import GovernanceError
    from transforms.errors import TransformError

    return (BuildError, GovernanceError, TransformError)
