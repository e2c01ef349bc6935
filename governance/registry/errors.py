"""Registration errors: user errors (a GovernanceError), reported without a traceback."""

from __future__ import annotations

from governance.errors import GovernanceError


class RegistryError(GovernanceError):
    """A registration request that cannot be carried out as asked."""


class RegistrationConflict(RegistryError):
    """The same data item claimed by a second owning department (一数一源 is violated)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class NotRegistered(RegistryError):
    """A resource asked for by id that the registry does not hold."""

    def __init__(self, resource_id: str, known: list[str]):
        self.resource_id = resource_id
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(f"resource '{resource_id}' is not registered; registered: {listed}")
