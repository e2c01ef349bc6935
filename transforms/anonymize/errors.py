"""Errors of the anonymisation engine: settings or inputs the user can fix."""

from transforms.errors import TransformError


class AnonymizationError(TransformError):
    """No valid anonymisation for these inputs: missing columns, incomplete hierarchies,
    impossible privacy settings."""
