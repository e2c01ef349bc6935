"""A detector whose only rule is a shape (no checksum): None when it fits, else False."""

from __future__ import annotations

import re
from typing import ClassVar

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out


class ShapeDetector(Detector):
    """Subclasses set SHAPE, a regex valid in both Python `re` and Rust `regex`."""

    SHAPE: ClassVar[str]

    def _check(self, candidate: str) -> bool | None:
        return None if re.fullmatch(self.SHAPE, candidate) else False

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        shaped = candidate.str.contains(f"^(?:{self.SHAPE})$")
        return null_in_null_out(candidate, pl.when(shaped).then(UNSURE).otherwise(False))
