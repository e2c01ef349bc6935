"""Float sums and means that are the same for the same values in any order: a published mean
on a rounding tie must not round one way in one build and the other way in the next."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from transforms.exact_sum import exact_mean, exact_sum, merged_sum, sum_parts


def values(n: int = 5000, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    spread = rng.normal(size=n) * 10.0 ** rng.integers(-6, 12, n)  # from 1e-6 to 1e12
    return spread.tolist()


def summed(xs: list[float | None]) -> float:
    return pl.DataFrame({"x": xs}, schema={"x": pl.Float64}).select(exact_sum("x")).item()


def test_the_sum_does_not_depend_on_the_order_of_the_rows():
    xs = values()
    rng = np.random.default_rng(2)
    found = {summed([xs[i] for i in rng.permutation(len(xs))]) for _ in range(10)}
    plain = {sum(xs[i] for i in rng.permutation(len(xs))) for _ in range(10)}
    assert len(plain) > 1  # added as floats, the orders do differ
    assert len(found) == 1


def test_the_sum_is_the_exact_sum_rounded_to_a_float():
    xs = values()
    exact = sum(map(Fraction, xs))
    assert abs(Fraction(summed(xs)) - exact) <= Fraction(math.ulp(float(exact)))
    assert summed([0.1, 0.2, 0.3]) == 0.6  # a float sum gives 0.6000000000000001


def test_grouped_sums_and_means_do_not_depend_on_the_engine_or_the_order():
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"g": rng.integers(0, 50, 200_000), "x": rng.gamma(2, 100, 200_000)})
    found = set()
    for seed, engine in [(0, "streaming"), (1, "in-memory"), (2, "streaming")]:
        shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
        table = (
            shuffled.lazy()
            .group_by("g")
            .agg(exact_sum("x").alias("s"), exact_mean("x").alias("m"))
            .sort("g")
            .collect(engine=engine)
        )
        found.add(tuple(table["s"]) + tuple(table["m"]))
    assert len(found) == 1


def test_partitions_partial_sums_add_up_to_the_sum_of_the_whole():
    xs = values()
    frame = pl.DataFrame({"x": xs})
    for size in (7, 100, 1234):
        parts = pl.concat(
            frame.slice(i, size).select(sum_parts("x")) for i in range(0, len(xs), size)
        )
        assert parts.select(merged_sum("x")).item() == summed(xs)


@pytest.mark.parametrize(
    ("xs", "expected"),
    [
        ([1.0, None, 2.5], 3.5),  # nulls add nothing
        ([None, None], 0.0),
        ([-0.3, 0.1, -2.75], float(Fraction(-0.3) + Fraction(0.1) + Fraction(-2.75))),
        ([1e300, -1e300, 1.0], 1.0),  # too large to split: added as floats, after the rest
        ([2.0**70, 1.0], 2.0**70 + 1.0),
        ([math.inf, 1.0], math.inf),
    ],
)
def test_values_beyond_the_split_still_count(xs, expected):
    assert summed(xs) == expected


def test_nan_makes_the_sum_nan_and_a_mean_of_nothing_is_null():
    assert math.isnan(summed([1.0, math.nan]))
    frame = pl.DataFrame({"x": [None, None]}, schema={"x": pl.Float64})
    assert frame.select(exact_mean("x")).item() is None
    assert pl.DataFrame({"x": [1.0, 2.0, None]}).select(exact_mean("x")).item() == 1.5
