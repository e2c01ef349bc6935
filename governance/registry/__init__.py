"""Resource registration (资源登记): codes, records, events, the one-datum-one-source rule and
the privacy budget fixed for each resource."""

from governance.registry.budgets import change_budget
from governance.registry.codes import is_valid_code, registration_code
from governance.registry.errors import NotRegistered, RegistrationConflict, RegistryError
from governance.registry.models import Budget, Registration, RegistrationEvent, Submission
from governance.registry.register import Outcome, cancel, register
from governance.registry.store import RegistryStore

__all__ = [
    "Budget",
    "NotRegistered",
    "Outcome",
    "Registration",
    "RegistrationConflict",
    "RegistrationEvent",
    "RegistryError",
    "RegistryStore",
    "Submission",
    "cancel",
    "change_budget",
    "is_valid_code",
    "register",
    "registration_code",
]
