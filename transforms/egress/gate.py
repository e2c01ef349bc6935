"""The egress gate (出域关口): the one function everything passes before it may leave the domain.

Every release is checked for columns that carry a direct identifier, free text or a secret,
scanned for resident IDs, mobile numbers, unified social credit codes and bank card numbers,
and the values of its dimensions, quasi-identifiers and record columns are read for any
identifier and for person names (dimensions.py), and redacted free text again (text.py); then
each rule its product kind hands over is re-checked (cells recounted, privacy models
re-measured, budgets re-added) from the data, not taken from the builder. One failed check
refuses the release, and nothing is published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.detectors.scan import scan_frame
from transforms.egress.dimensions import dimension_values
from transforms.egress.text import redacted_text
from transforms.errors import TransformError
from transforms.gate_check import GATE_ENTITIES, Check, GateRule, Origin

BLOCKED_CATEGORIES = frozenset({"direct_identifier", "free_text"})
LEAVING_ROLES = frozenset({"measure", "text"})
"""Roles a blocked column may still leave in: counted, or redacted text re-read by the gate."""


class EgressRefused(TransformError):
    """The gate refused a release; `checks` says which check failed and why."""

    def __init__(self, checks: Sequence[Check]):
        self.checks = tuple(checks)
        failed = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
        super().__init__("egress refused: " + "; ".join(failed))


@dataclass(frozen=True)
class Release:
    """A frame the gate cleared, with the checks it passed; publishing takes only this."""

    frame: pl.DataFrame
    checks: tuple[Check, ...]
    _token: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._token is not _GATE_TOKEN:
            raise TypeError("a Release is created only by egress_gate()")


_GATE_TOKEN = object()


def egress_gate(
    frame: pl.DataFrame, *, lineage: Mapping[str, Origin], rules: Sequence[GateRule] = ()
) -> Release:
    """Check a product before it leaves the domain; raise EgressRefused if any check fails.

    `lineage` says where each published column comes from; `rules` are what the product's kind
    asks to be re-checked (see cells.py, records.py, index.py, private.py, verification.py)."""
    checks = [
        _no_direct_identifiers(frame, lineage),
        _pii_scan(frame),
        dimension_values(frame, lineage),
    ]
    if any(o.role == "text" for o in lineage.values()):
        checks.append(redacted_text(frame, lineage))
    for rule in rules:
        checks.extend(rule.checks(frame, lineage))
    if not all(c.passed for c in checks):
        raise EgressRefused(checks)
    return Release(frame, tuple(checks), _token=_GATE_TOKEN)


def _no_direct_identifiers(frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> Check:
    problems: list[str] = []
    for name in frame.columns:
        origin = lineage.get(name)
        if origin is None or name.startswith("__"):
            problems.append(f"column '{name}' has no declared origin")
        elif origin.secret:
            problems.append(f"column '{name}' comes from secret column '{origin.source}'")
        elif origin.role not in LEAVING_ROLES and origin.category in BLOCKED_CATEGORIES:
            problems.append(f"column '{name}' comes from {origin.category} '{origin.source}'")
    return Check(
        "no_direct_identifiers",
        not problems,
        {"columns_checked": len(frame.columns)},
        "; ".join(problems),
    )


def _pii_scan(frame: pl.DataFrame) -> Check:
    findings = scan_frame(frame, entities=GATE_ENTITIES)
    scanned = [n for n, t in frame.schema.items() if t == pl.String or t.is_integer()]
    figures = {
        "entities": list(GATE_ENTITIES),
        "cells_scanned": frame.height * len(scanned),
        "findings": findings.height,
    }
    examples = [
        f"{r['entity']} in column '{r['column']}' row {r['row']} ({r['masked']})"
        for r in findings.head(5).iter_rows(named=True)
    ]
    return Check("pii_scan", findings.is_empty(), figures, "; ".join(examples))
