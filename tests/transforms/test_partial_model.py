"""Model cells merged from partitions' partial aggregates are the cells of all the rows at
once: rows, people (one person's rows spread over partitions), sums, means, medians, totals."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.products.model import Dim, Stat, build_model
from transforms.products.partial_model import merge_model, partial_model

DIMS = [Dim("a", "A"), Dim("b", "B")]
EXACT = [
    Stat("n", "count"),
    Stat("people", "count_subjects"),
    Stat("total", "sum", "v"),
    Stat("mean", "mean", "v", 2),
    Stat("median", "median", "v"),
    Stat("mean_f", "mean", "f", 3),
]


def rows(n: int = 4000, seed: int = 0) -> pl.DataFrame:
    """Nulls in a dimension and a measure; about four rows per person, spread at random."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "a": pl.Series(rng.choice(["x", "y", "z", "-"], n)).replace("-", None),
            "b": rng.integers(0, 40, n),
            "v": rng.integers(0, 100, n),
            "f": rng.normal(size=n).round(3),
            "s": rng.integers(0, n // 4, n).astype(str),
        }
    ).with_columns(pl.when(pl.col("v") < 5).then(None).otherwise(pl.col("v")).alias("v"))


def both(frame: pl.DataFrame, stats, parts: int, **shape) -> tuple[pl.DataFrame, pl.DataFrame]:
    whole = build_model(frame.lazy(), dims=DIMS, stats=stats, min_group_size=25, **shape)
    size = -(-frame.height // parts)
    found = [
        partial_model(frame.slice(i * size, size).lazy(), dims=DIMS, stats=stats, **shape)
        for i in range(parts)
    ]
    merged = merge_model(found, dims=DIMS, stats=stats, min_group_size=25, **shape)
    return whole.collect(), merged.collect()


@pytest.mark.parametrize("subject", ["s", None])
@pytest.mark.parametrize("margins", [(), ("A",), ("A", "B")])
def test_merged_partials_are_the_whole_table(subject, margins):
    whole, merged = both(rows(), EXACT, 4, subject=subject, margins=margins)
    assert merged.equals(whole)
    assert whole["suppressed"].any() and not whole["suppressed"].all()


def test_people_are_counted_once_across_partitions():
    """Ten people with a row in each of three partitions: 10 people, not 30, so the cell
    (below 25) is suppressed; summing each partition's count would publish it."""
    people = [f"p{i}" for i in range(10)] * 3
    frame = pl.DataFrame({"a": ["x"] * 30, "b": [1] * 30, "v": [1] * 30, "f": [0.0] * 30,
                          "s": people})  # fmt: skip
    stats = [Stat("n", "count"), Stat("people", "count_subjects")]
    whole, merged = both(frame, stats, 3, subject="s")
    assert merged.equals(whole)
    assert merged.select("n", "people", "suppressed").rows() == [(None, None, True)]
    unsuppressed = merge_model(
        [partial_model(frame.slice(i * 10, 10).lazy(), dims=DIMS, stats=stats, subject="s")
         for i in range(3)], dims=DIMS, stats=stats, min_group_size=2, subject="s",
    ).collect()  # fmt: skip
    assert unsuppressed.select("n", "people").rows() == [(30, 10)]


@pytest.mark.parametrize("parts", [3, 5, 7])
def test_unrounded_float_sums_and_means_are_the_whole_tables_to_the_last_bit(parts):
    """Float sums added in other orders differ in their last bits; the partitions' sums of
    the values' exact parts do not, whatever the partitioning."""
    stats = [Stat("sum_f", "sum", "f"), Stat("mean_f", "mean", "f"), Stat("mean_v", "mean", "v")]
    frame = rows().with_columns(pl.col("f") * 1.1)  # more bits than three decimals
    whole, merged = both(frame, stats, parts, subject="s")
    assert merged.equals(whole)
