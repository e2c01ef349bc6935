"""Sums listed and hidden in exactly the rows the people counts are share the counts' system
(pinning depends on which cells are hidden, not on their values); sums hidden anywhere else
get a system of their own and are audited in it."""

from __future__ import annotations

import polars as pl

from tests.transforms.test_linked_versions import table
from transforms.linked.audit import interval_audit
from transforms.linked.system import systems

CELLS = {"s-102": 7, "s-105": 3, "s-106": 2, "s-107": 9}
MONTHS = {"s-102": 70.0, "s-105": 25.0, "s-106": 14.0, "s-107": 95.0}


def with_sums(frame: pl.DataFrame, months: dict[str, float], hidden: set[str]) -> pl.DataFrame:
    """The people counts and, in the same rows, the months paid: hidden where the count is,
    and in the rows of `hidden`."""
    keys = [k[0] if k else "" for k in frame["key"].to_list()]
    truth = [months[k] if k else sum(months.values()) for k in keys]
    sums = frame.with_columns(
        pl.lit("sum:months").alias("family"),
        pl.Series("truth", truth),
        (pl.col("suppressed") | pl.Series([k in hidden for k in keys])).alias("suppressed"),
        pl.lit(None, pl.Int64).alias("threshold"),
        pl.lit(0.0).alias("width"),
    ).with_columns(pl.when(~pl.col("suppressed")).then(pl.col("truth")).alias("published"))
    return pl.concat([frame, sums.select(frame.columns)])


def test_sums_hidden_where_the_counts_are_share_their_system():
    people = table("a", CELLS, total=True)  # counts of 3 and 2 hidden, the total shown
    cells = with_sums(people, MONTHS, set())
    built = systems(cells)
    assert [s.family for s in built] == ["people"]
    assert built[0].alike == ("sum:months",)
    # both families' hidden cells are counted as audited
    assert interval_audit(cells).hidden == 2 * interval_audit(people).hidden == 4


def test_a_sum_hidden_where_the_count_is_shown_is_audited_in_its_own_system():
    people = table("a", CELLS, total=True)
    # the months of s-107 hidden too, beside the two hidden with their counts: not pinned
    cells = with_sums(people, MONTHS, {"s-107"})
    assert sorted(s.family for s in systems(cells)) == ["people", "sum:months"]
    assert not [e for e in interval_audit(cells).exposures if e.family == "sum:months"]
    # hidden alone beside the published total, the months of s-107 are pinned: the audit says so
    counts = {"s-102": 7, "s-107": 9}
    alone = with_sums(table("a", counts, total=True), {k: MONTHS[k] for k in counts}, {"s-107"})
    (exposure,) = interval_audit(alone).exposures
    assert (exposure.family, exposure.key, exposure.low, exposure.high) == (
        "sum:months", ("s-107",), 95.0, 95.0,
    )  # fmt: skip
