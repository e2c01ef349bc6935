"""What the gate and the protection charge to a release beside live tables that expose cells
already: an exposure the release leaves as it was is inherited, one it narrows is new; and with
anything inherited, the strict audit looks at every family of sums on its own."""

from __future__ import annotations

import polars as pl

from tests.attacks.test_linked_inherited import PEOPLE, A, B, contributions, frame
from transforms.linked.audit import Exposure, interval_audit, newly_exposed


def exposure(low: float, high: float, family: str = "people") -> Exposure:
    return Exposure(family, ("A",), ("a1",), low, high, 2.0, ("L v1",), 0)


def test_an_exposure_left_as_it_was_is_inherited_and_a_narrower_one_is_new():
    before = [exposure(3, 4)]
    assert newly_exposed([exposure(3, 4)], before) == []
    assert newly_exposed([exposure(3, 3)], before) == [exposure(3, 3)]
    assert newly_exposed([exposure(4, 4, "sum:x")], before) == [exposure(4, 4, "sum:x")]


def test_the_strict_audit_finds_a_sum_pinned_under_a_count_pinned_before():
    count, total = contributions(PEOPLE)
    live = frame("L v1", [{"A": a} for a in A] + [{}], count, 5, False, total)
    grid = [{"A": a, "B": b} for a in A for b in B]  # every cell of the release published
    release = frame("R v1", grid, count, 2, False, total)
    after = pl.concat([live, release])
    pinned_before = interval_audit(live).exposures
    assert {e.family for e in pinned_before} == {"people"}  # a1 and a2 at 4 from the bounds
    fresh = newly_exposed(
        interval_audit(after, strict=True).exposures, interval_audit(live, strict=True).exposures
    )
    assert sorted((e.family, e.key) for e in fresh) == [("sum:x", ("a1",)), ("sum:x", ("a2",))]
