"""The egress gate and the rules product kinds hand it (see gate.py)."""

from transforms.egress.cells import CellRule
from transforms.egress.gate import EgressRefused, Release, egress_gate
from transforms.egress.index import IndexRule, IndicatorRule
from transforms.egress.private import PrivateRule
from transforms.egress.records import RecordRule
from transforms.egress.verification import VerificationRule
from transforms.gate_check import GATE_ENTITIES, Check, GateRule, Origin

__all__ = [
    "GATE_ENTITIES",
    "CellRule",
    "Check",
    "EgressRefused",
    "GateRule",
    "IndexRule",
    "IndicatorRule",
    "Origin",
    "PrivateRule",
    "RecordRule",
    "Release",
    "VerificationRule",
    "egress_gate",
]
