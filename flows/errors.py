"""Errors of the shell: input files and the domain's folders, reported without a traceback."""

from __future__ import annotations


class BuildError(Exception):
    """A build cannot go on because of input a user can fix (file, header, encoding, key)."""


class RequestRefused(Exception):
    """A request the product may not answer (authorization, quota, enumeration); audited."""


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean 'fix your input', across the three layers."""
    from governance.errors import GovernanceError
    from transforms.errors import TransformError

    return (BuildError, GovernanceError, TransformError)
