"""Errors of the privacy core, raised on inputs a user can fix (never on bugs)."""


class TransformError(ValueError):
    """Input the core cannot work on: wrong types, impossible parameters, missing columns."""
