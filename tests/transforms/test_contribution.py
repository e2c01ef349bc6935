"""Contribution bounding within cells: a person keeps at most a set number of cells and of rows
in each, chosen by what the rows hold (never by their order in the file or by other people's
rows), so a bound that covers everyone changes nothing and one that does not is still a bound."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.errors import TransformError
from transforms.products.contribution import bound_contributions


def people(n: int = 400, seed: int = 11) -> pl.DataFrame:
    """Each person has a row in 1 to 3 years of 1 to 3 types, some cells twice."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n):
        years = rng.choice([2022, 2023, 2024], rng.integers(1, 4), replace=False)
        kinds = rng.choice(["a", "b", "c"], rng.integers(1, 4), replace=False)
        for year in years:
            for kind in kinds:
                for _ in range(1 + int(rng.random() < 0.2)):
                    rows.append((f"P{p}", int(year), str(kind), int(rng.integers(0, 20))))
    return pl.DataFrame(rows, schema=["p", "year", "kind", "v"], orient="row")


def bounded(frame: pl.DataFrame, rows: int, cells: int) -> pl.DataFrame:
    return bound_contributions(
        frame.lazy(), subject="p", max_rows=rows, bounds={"v": (0, 12)},
        partition=["year", "kind"], max_partitions=cells,
    ).collect()  # fmt: skip


def test_each_person_keeps_at_most_the_bounds_in_each_cell_and_over_cells() -> None:
    out = bounded(people(), rows=1, cells=4)
    assert out.group_by("p", "year", "kind").len()["len"].max() == 1
    assert out.group_by("p").agg(pl.struct("year", "kind").n_unique())["year"].max() == 4
    assert out["v"].max() == 12 and out["v"].min() >= 0


def test_bounds_that_cover_everyone_keep_every_row() -> None:
    frame = people()
    assert (
        bounded(frame, rows=2, cells=9)
        .sort(pl.all())
        .equals(frame.with_columns(pl.col("v").clip(0, 12)).sort(pl.all()))
    )


def test_the_choice_does_not_follow_file_order_or_other_people() -> None:
    frame = people()
    kept = bounded(frame, rows=1, cells=2).sort(pl.all())
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)
    assert bounded(shuffled, rows=1, cells=2).sort(pl.all()).equals(kept)
    without = frame.filter(pl.col("p") != "P7")  # a neighbouring data set: one person fewer
    assert bounded(without, rows=1, cells=2).sort(pl.all()).equals(kept.filter(pl.col("p") != "P7"))


def test_without_a_subject_only_clamping_applies() -> None:
    frame = people(50)
    out = bound_contributions(
        frame.lazy(), subject=None, max_rows=1, bounds={"v": (0, 5)}, partition=["year"],
        max_partitions=1,
    ).collect()  # fmt: skip
    assert out.height == frame.height and out["v"].max() == 5


@pytest.mark.parametrize(("rows", "cells"), [(0, 1), (1, 0)])
def test_bounds_below_one_are_refused(rows, cells) -> None:
    with pytest.raises(TransformError, match="must be at least 1"):
        bounded(people(5), rows=rows, cells=cells)
