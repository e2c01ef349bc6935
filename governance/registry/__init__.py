"""Resource registration (资源登记): codes, records, events and the one-datum-one-source rule."""

from governance.registry.codes import is_valid_code, registration_code
from governance.registry.errors import NotRegistered, RegistrationConflict, RegistryError
from governance.registry.models import Registration, RegistrationEvent, Submission
from governance.registry.register import Outcome, cancel, register
from governance.registry.store import RegistryStore

__all__ = [
    "NotRegistered",
    "Outcome",
    "Registration",
    "RegistrationConflict",
    "RegistrationEvent",
    "RegistryError",
    "RegistryStore",
    "Submission",
    "cancel",
    "is_valid_code",
    "register",
    "registration_code",
]
