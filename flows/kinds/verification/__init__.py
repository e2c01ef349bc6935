"""Verification services (数据核验): claims answered, never values revealed."""

from flows.kinds.verification.kind import (
    Verification,
    VerificationKind,
    index_path,
    validator,
)
from flows.kinds.verification.spec import STATUSES, VerificationProduct
from flows.kinds.verification.terms import answered, limits, rules, thresholds

__all__ = [
    "STATUSES",
    "Verification",
    "VerificationKind",
    "VerificationProduct",
    "answered",
    "index_path",
    "limits",
    "rules",
    "thresholds",
    "validator",
]
