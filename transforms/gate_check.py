"""What every egress-gate check shares (its own module so every family of checks, and the
privacy models, can use it): the result of one check, where a published column comes from,
and the shape of a rule the gate runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import polars as pl

GATE_ENTITIES = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_BANK_CARD")
"""Identifier values the gate's scan looks for in everything it lets out."""


@dataclass(frozen=True)
class Check:
    """One privacy check of the gate, with the figures it measured."""

    name: str
    passed: bool
    figures: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""


@dataclass(frozen=True)
class Origin:
    """Where an output column comes from: its source column and that column's category."""

    role: Literal["dimension", "measure", "flag", "quasi_identifier", "record", "text"]
    """`text`: free text whose identifiers were redacted, re-scanned by the gate."""
    source: str | None = None
    category: str | None = None
    secret: bool = False
    """The source column is marked secret: nothing derived from it may leave, not even a sum."""
    kept: tuple[str, ...] = ()
    """Redacted text: the entities its policy keeps (never one that always identifies)."""


class GateRule(Protocol):
    """What a product kind asks the gate to re-check on its release, beyond the checks every
    release gets: the rule recounts or re-measures from the data, never from the builder."""

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        """The rule's checks of the release, passed or not."""
        ...
