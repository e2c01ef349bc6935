"""Product kinds: one unit per kind (spec, binding, build, gate rules, manifest section, plan
line, authorization use, disclosure footprint) and the registry the shell looks them up in."""

from flows.kinds.base import (
    BuildContext,
    BuildRefused,
    Declared,
    GateRequest,
    Job,
    PlanTable,
    Prepared,
    ProductKind,
)
from flows.kinds.registry import KINDS, KindRegistry

__all__ = [
    "KINDS",
    "BuildContext",
    "BuildRefused",
    "Declared",
    "GateRequest",
    "Job",
    "KindRegistry",
    "PlanTable",
    "Prepared",
    "ProductKind",
]
