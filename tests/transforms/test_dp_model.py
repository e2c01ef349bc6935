"""Differentially private model releases: the account stays within the declared budget, only
cells that exist (and clear the threshold) are published, contributions are bounded, and the
noise is of the size the account states."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.errors import TransformError
from transforms.products.contribution import bound_contributions
from transforms.products.dp_model import PrivacyParameters, cell_totals, dp_release
from transforms.products.model import Stat

STATS = [
    Stat("people", "count_subjects"),
    Stat("rows", "count"),
    Stat("months", "sum", "v"),
    Stat("avg", "mean", "v", round=2),
]


def frame(n: int = 30_000, seed: int = 3) -> pl.LazyFrame:
    rng = np.random.default_rng(seed)
    cities = rng.choice(["a", "b", "c", "tiny"], n, p=[0.5, 0.3, 0.1999, 0.0001])
    return pl.LazyFrame(
        {
            "p": rng.integers(0, 12_000, n),
            "city": cities,
            "v": rng.integers(-5, 20, n),
        }
    )


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
def test_release_stays_within_budget_and_publishes_only_real_cells(mechanism) -> None:
    params = PrivacyParameters(mechanism, 1.0, 1e-6, 2, {"v": (0, 12)})
    bounded = bound_contributions(frame(), subject="p", max_rows=2, bounds=params.bounds)
    cells = cell_totals(bounded, ["city"], STATS, "p").collect()
    release = dp_release(cells, keys=["city"], stats=STATS, params=params, min_group_size=10)
    account = release.account
    assert account["epsilon"] <= 1.0 + 1e-9 and account["delta"] <= 1e-6 * (1 + 1e-9)
    assert account["mechanisms"][0]["threshold"] >= 10
    released = set(release.table["city"])
    assert released <= set(cells["city"])
    assert "tiny" not in released  # a cell of a few people never clears the threshold
    truth = {r["city"]: r for r in cells.iter_rows(named=True)}
    scale = account["mechanisms"][0]["scale"]
    for row in release.table.iter_rows(named=True):
        exact = truth[row["city"]]
        assert row["people"] >= account["mechanisms"][0]["threshold"]
        assert abs(row["people"] - exact["__cell_subjects"]) < 12 * scale  # noise of that size
        mean = exact["__sum_v"] / exact["__cell_rows"]  # of the clamped values
        assert 0 <= mean <= 12 and abs(row["avg"] - mean) < 0.5


def test_contributions_are_bounded_before_counting() -> None:
    lf = pl.LazyFrame({"p": [1] * 50 + [2], "city": ["a"] * 51, "v": [100] * 51})
    bounded = bound_contributions(lf, subject="p", max_rows=3, bounds={"v": (0, 12)}).collect()
    assert bounded.filter(pl.col("p") == 1).height == 3
    assert bounded["v"].max() == 12


def test_noise_is_fresh_and_unbiased() -> None:
    """The same cell released many times scatters around the truth with the stated scale."""
    cells = pl.DataFrame({"city": ["a"], "__cell_subjects": [5000], "__cell_rows": [6000],
                          "__sum_v": [30000.0]})  # fmt: skip
    params = PrivacyParameters("laplace", 0.1, 1e-6, 1, {"v": (0, 12)})
    releases = [
        dp_release(cells, keys=["city"], stats=STATS[:1], params=params, min_group_size=10)
        for _ in range(300)
    ]
    draws = [r.table["people"][0] for r in releases]
    scale = releases[0].account["mechanisms"][0]["scale"]
    assert len(set(draws)) > 20
    assert abs(np.mean(draws) - 5000) < 4 * scale * np.sqrt(2) / np.sqrt(300) + 1
    assert np.std(draws) == pytest.approx(scale * np.sqrt(2), rel=0.3)


@pytest.mark.parametrize(
    ("stats", "params", "words"),
    [
        ([Stat("m", "median", "v")], PrivacyParameters("laplace", 1, 1e-6, 1), "no DP release"),
        ([Stat("s", "sum", "v")], PrivacyParameters("laplace", 1, 1e-6, 1), "needs bounds"),
        ([Stat("n", "count")], PrivacyParameters("laplace", 1, 0.0, 1), "delta between 0 and 1"),
        ([Stat("n", "count")], PrivacyParameters("laplace", 0, 1e-6, 1), "epsilon above 0"),
    ],
)
def test_settings_without_a_sound_release_are_refused(stats, params, words) -> None:
    cells = pl.DataFrame({"city": ["a"], "__cell_subjects": [50], "__cell_rows": [50],
                          "__sum_v": [1.0]})  # fmt: skip
    with pytest.raises(TransformError, match=words):
        dp_release(cells, keys=["city"], stats=stats, params=params, min_group_size=10)
