"""Polars settings for the build's passes over whole resources."""

from __future__ import annotations

import polars as pl

STREAMING_CHUNK_ROWS = 10_000
"""Rows per streaming morsel: small morsels keep a 10-million-row build under 1 GB of memory
at the same speed (measured in bench/bench_build.py)."""


def streaming() -> pl.Config:
    """Polars settings for passes over whole resources."""
    return pl.Config(streaming_chunk_size=STREAMING_CHUNK_ROWS)
