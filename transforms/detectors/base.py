"""The detector contract, after Presidio's pattern recognizers: data in class constants,
logic in two small hooks (`_check` in pure Python, `valid_expr` as a polars expression)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import polars as pl

from transforms.detectors.normalize import compact_expr, compact_text

UNSURE = pl.lit(None, dtype=pl.Boolean)
"""The polars spelling of `validate`'s None ("cannot tell")."""


class Detector(ABC):
    """One identifier type.

    `validate` has Presidio's three outcomes: True = certainly this identifier (a checksum
    passed), False = drop the match, None = the shape fits but nothing more can be checked
    (the pattern's SCORE stands). `valid_expr` returns the same verdict per row, with null
    for None, over candidates already in `compact_text` form; null input gives null.
    """

    ENTITY: ClassVar[str]
    PATTERN: ClassVar[str]
    """Python `re` pattern for Presidio (look-arounds, since \\b fails beside Chinese)."""
    CONTEXT: ClassVar[tuple[str, ...]]
    SCORE: ClassVar[float]
    LENGTHS: ClassVar[frozenset[int]]
    """Lengths a compact candidate can have; lets the scanner skip hopeless candidates."""
    SCAN_PATTERN: ClassVar[str | None] = None
    """Rust-regex pattern (no look-arounds) for scan_frame's pattern path; None = the digit path."""

    def validate(self, text: str) -> bool | None:
        """Verdict on a matched text (full-width, separators and lower-case x allowed)."""
        return self._check(compact_text(text))

    @abstractmethod
    def _check(self, candidate: str) -> bool | None:
        """Verdict on a compact candidate."""

    @abstractmethod
    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `_check` over compact candidates (Boolean; null = cannot tell)."""

    def scan_candidate(self, match: pl.Expr) -> pl.Expr:
        """The compact candidate of a SCAN_PATTERN match (hook for context-prefixed patterns)."""
        return compact_expr(match)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def digit_at(candidate: pl.Expr, i: int, n: int = 1) -> pl.Expr:
    """The n digits from position i as Int32 (null where they are not digits)."""
    return candidate.str.slice(i, n).cast(pl.Int32, strict=False)


def ascii_code(candidate: pl.Expr, i: int) -> pl.Expr:
    """Code point of the ASCII char at position i as Int32 (null where it is not one byte)."""
    return candidate.str.slice(i, 1).cast(pl.Binary).bin.reinterpret(dtype=pl.UInt8).cast(pl.Int32)


def null_in_null_out(candidate: pl.Expr, verdict: pl.Expr) -> pl.Expr:
    """Keep polars' convention that a null candidate gets a null verdict."""
    return pl.when(candidate.is_null()).then(UNSURE).otherwise(verdict)
