"""Verification services (数据核验): claims answered, never values revealed."""

from flows.kinds.verification.kind import (
    Verification,
    VerificationKind,
    index_path,
    rules,
    validator,
)
from flows.kinds.verification.spec import STATUSES, VerificationProduct

__all__ = [
    "STATUSES",
    "Verification",
    "VerificationKind",
    "VerificationProduct",
    "index_path",
    "rules",
    "validator",
]
