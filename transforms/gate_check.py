"""The result of one egress-gate check (its own module so every family of checks can use it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """One privacy check of the gate, with the figures it measured."""

    name: str
    passed: bool
    figures: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""
