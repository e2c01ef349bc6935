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


def years_of_people(n: int = 6000, seed: int = 8) -> pl.LazyFrame:
    """Each person has one row per year in two or three years and one or two types: the data
    whose per-year counts came out low when rows were bounded over the whole resource."""
    rng = np.random.default_rng(seed)
    spans = rng.integers(2, 4, n)
    types = rng.integers(1, 3, n)
    rows = [
        (f"P{p}", 2022 + y, ["a", "b"][t], int(rng.integers(0, 13)))
        for p in range(n)
        for y in range(spans[p])
        for t in range(types[p])
    ]
    return pl.LazyFrame(rows, schema=["p", "year", "type", "v"], orient="row")


def test_bounding_within_cells_leaves_the_counts_unbiased() -> None:
    """Before noise, cells bounded within partitions equal the unbounded truth when the bounds
    cover everyone; bounding rows over the whole resource (what a bound of rows per person
    did) loses whole years of people."""
    frame, keys, stats = years_of_people(), ["year", "type"], STATS
    truth = cell_totals(frame, keys, stats, "p").collect().sort(keys)
    within = bound_contributions(
        frame, subject="p", max_rows=1, bounds={"v": (0, 12)}, partition=keys,
        max_partitions=6,
    )  # fmt: skip
    assert cell_totals(within, keys, stats, "p").collect().sort(keys).equals(truth)
    overall = bound_contributions(frame, subject="p", max_rows=2, bounds={"v": (0, 12)})
    low = cell_totals(overall, keys, stats, "p").collect().sort(keys)
    shortfall = 1 - low["__cell_subjects"].sum() / truth["__cell_subjects"].sum()
    assert shortfall > 0.25


def test_the_noisy_counts_centre_on_the_truth_with_the_stated_error() -> None:
    frame, keys = years_of_people(), ["year", "type"]
    stats = [Stat("people", "count_subjects"), Stat("avg", "mean", "v")]
    within = bound_contributions(
        frame, subject="p", max_rows=1, bounds={"v": (0, 12)}, partition=keys,
        max_partitions=6,
    )  # fmt: skip
    cells = cell_totals(within, keys, stats, "p").collect()
    truth = dict(zip(cells.select(keys).rows(), cells["__cell_subjects"], strict=True))
    params = PrivacyParameters("laplace", 3.0, 1e-6, 1, {"v": (0, 12)}, max_partitions=6)
    errors, covered = [], 0
    for _ in range(40):
        release = dp_release(cells, keys=keys, stats=stats, params=params, min_group_size=10)
        assert release.table.height == cells.height  # every cell holds thousands
        ci95 = release.account["expected_error"]["people"]["ci95"]
        for row in release.table.iter_rows(named=True):
            error = row["people"] - truth[(row["year"], row["type"])]
            errors.append(error)
            covered += abs(error) <= ci95
    scale = release.account["mechanisms"][0]["scale"]
    assert abs(np.mean(errors)) < 6 * scale * np.sqrt(2) / np.sqrt(len(errors))
    assert 0.85 < covered / len(errors) <= 1.0  # about 95% (6 standard errors of room)


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
def test_the_noise_is_calibrated_to_cells_per_person(mechanism) -> None:
    """The threshold is told a person is in k cells (l0 = l1 = k, linf = 1); a vector of sums
    changes by k x the per-cell bound in l1, sqrt(k) x it in l2."""
    cells = pl.DataFrame({"city": ["a", "b"], "__cell_subjects": [5000, 4000],
                          "__cell_rows": [6000, 5000], "__sum_v": [3e4, 2e4]})  # fmt: skip
    stats = [Stat("people", "count_subjects"), Stat("total", "sum", "v")]
    accounts = {}
    for k in (1, 4):
        params = PrivacyParameters(mechanism, 1.0, 1e-6, 2, {"v": (0, 12)}, max_partitions=k)
        release = dp_release(cells, keys=["city"], stats=stats, params=params, min_group_size=10)
        accounts[k] = release.account
        threshold, total = release.account["mechanisms"]
        assert threshold["sensitivity"] == {"cells": k, "per_cell": 1}
        norm = np.sqrt(k) if mechanism == "gaussian" else k
        assert total["sensitivity"] == pytest.approx(norm * 2 * 12)
        assert release.account["epsilon"] <= 1.0 + 1e-9
    for i in (0, 1):
        ratio = accounts[4]["mechanisms"][i]["scale"] / accounts[1]["mechanisms"][i]["scale"]
        if mechanism == "laplace":
            assert ratio == pytest.approx(4, rel=0.01)
        else:  # the threshold's zCDP takes the l2 norm: sqrt(l0) x linf
            assert 1.5 < ratio < 2.5


def test_the_account_states_each_measure_s_expected_error() -> None:
    params = PrivacyParameters("laplace", 1.0, 1e-6, 2, {"v": (0, 12)}, max_partitions=3)
    bounded = bound_contributions(frame(), subject="p", max_rows=2, bounds=params.bounds,
                                  partition=["city"], max_partitions=3)  # fmt: skip
    cells = cell_totals(bounded, ["city"], STATS, "p").collect()
    release = dp_release(cells, keys=["city"], stats=STATS, params=params, min_group_size=10)
    error, mechanisms = release.account["expected_error"], release.account["mechanisms"]
    assert error["confidence"] == 0.95
    people_scale, rows_scale, sum_scale = (m["scale"] for m in mechanisms)
    assert error["people"]["ci95"] == pytest.approx(people_scale * np.log(20))
    assert error["rows"]["ci95"] == pytest.approx(rows_scale * np.log(20))
    assert error["months"]["ci95"] == pytest.approx(sum_scale * np.log(20))
    mean = error["avg"]
    smallest = release.table.sort("rows").row(0, named=True)
    assert mean["smallest_cell_rows"] == smallest["rows"]
    assert 0 < mean["ci95_at_smallest_cell"] < 1  # months, at thousands of rows
    assert "sqrt(var_sum + mean^2 * var_rows) / rows" in mean["formula"]
