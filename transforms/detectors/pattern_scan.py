"""scan_frame's second candidate path, for detectors with a SCAN_PATTERN (plates start with a
Chinese character, e-mail and IP addresses are not digit runs, context-prefixed patterns).

One `str.extract_all` per detector over the normalised texts; each match becomes a candidate
through the detector's `scan_candidate` hook. Candidates get their own chunk key
k = 1,000,000 * (slot - 100) + match index (slot < 100), so they never collide with digit
chunks (k >= 0) or USCC tokens (k = -1, -2, ...). Overlaps between two detectors' matches are
not resolved, except that the same value found by several of them is reported once, under
the first in precedence.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.base import Detector

_SLOT = 1_000_000


def pattern_candidates(texts: pl.LazyFrame, det: Detector, slot: int) -> pl.LazyFrame:
    """(col, row, k, s, w, cand) for every SCAN_PATTERN match of one detector."""
    assert det.SCAN_PATTERN is not None
    match = pl.col("cand")
    return (
        texts.select("col", "row", cand=pl.col("text").str.extract_all(det.SCAN_PATTERN))
        .with_columns(k=pl.int_ranges(0, match.list.len(), dtype=pl.Int32))
        .explode("cand", "k")
        .drop_nulls("cand")
        .select(
            "col",
            "row",
            k=(_SLOT * (slot - 100) + pl.col("k")).cast(pl.Int32),
            s=pl.lit(0, pl.Int32),
            w=pl.lit(1, pl.Int32),
            cand=det.scan_candidate(match),
        )
        .drop_nulls("cand")
    )


def dedupe_values(found: pl.DataFrame) -> pl.DataFrame:
    """One finding per (col, row, value): the first in precedence."""
    return found.sort("precedence", maintain_order=True).unique(
        ["col", "row", "cand"], keep="first", maintain_order=True
    )
