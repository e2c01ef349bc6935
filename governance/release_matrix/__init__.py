"""The release matrix: which supply mode may release what, by grade and form of release, as
data (rules.py) and the judge that applies it (judging.py) when policies load and builds plan."""

from governance.release_matrix.judging import (
    Breach,
    Outflow,
    Registered,
    cell,
    declared_identifier,
    judge,
    outflow,
)
from governance.release_matrix.rules import RULES, Rule

__all__ = [
    "RULES",
    "Breach",
    "Outflow",
    "Registered",
    "Rule",
    "cell",
    "declared_identifier",
    "judge",
    "outflow",
]
