"""Errors of the shell: input files and the domain's folders, reported without a traceback."""


class BuildError(Exception):
    """A build cannot go on because of input a user can fix (file, header, encoding, key)."""


class RequestRefused(Exception):
    """A request the product may not answer (authorization, quota, enumeration); audited."""
