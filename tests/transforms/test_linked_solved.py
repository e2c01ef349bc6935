"""A block of hidden counts solved once is not solved again when the same block comes back
(the gate's audit after the protection, the next release beside untouched live tables), and
whatever differs in its content, down to one published value, is solved afresh."""

from __future__ import annotations

import polars as pl

from tests.transforms.test_linked_versions import table
from transforms.linked.audit import interval_audit
from transforms.linked.system import systems


def elsewhere(product: str, cells: dict[str, int]) -> pl.DataFrame:
    """People by a dimension whose name sorts before the district, without a total."""
    return table(product, cells).with_columns(
        pl.lit(["area"], dtype=pl.List(pl.String)).alias("dims"), pl.col("key").list.head(1)
    )


def pinned(audit) -> list[tuple[tuple[str, ...], float, float]]:
    return sorted((e.key, e.low, e.high) for e in audit.exposures)


def test_a_block_seen_before_is_recalled_with_its_cells_renumbered():
    # two hidden cells of 1 beside a total of 2: only the bounds (a listed cell is not empty)
    # pin them, which takes programmes, not the equations alone
    alone = table("a", {"s-102": 7, "s-105": 1, "s-106": 1, "s-107": 9}, total=True)
    first = interval_audit(alone)
    assert pinned(first) == [(("s-105",), 1.0, 1.0), (("s-106",), 1.0, 1.0)]
    assert first.programmes > 0
    # another table whose keys sort first shifts every node number; the block is the same
    other = elsewhere("b", {"110000": 8, "120000": 6})
    beside = interval_audit(pl.concat([other, alone]))
    assert beside.programmes == 0
    assert pinned(beside) == pinned(first)
    system = next(s for s in systems(pl.concat([other, alone])) if s.family == "people")
    assert sorted(system.nodes[e.node].key for e in beside.exposures) == [("s-105",), ("s-106",)]
    assert {e.products for e in beside.exposures} == {("a",)}


def test_a_block_that_differs_in_one_published_value_is_solved_again():
    interval_audit(table("a", {"s-102": 7, "s-105": 1, "s-106": 1, "s-107": 9}, total=True))
    moved = interval_audit(table("a", {"s-102": 7, "s-105": 2, "s-106": 1, "s-107": 9}, total=True))
    assert moved.programmes > 0
    assert pinned(moved) == [(("s-105",), 1.0, 2.0), (("s-106",), 1.0, 2.0)]


def test_a_cell_the_equations_pin_needs_no_programme():
    # the total gives the one hidden cell away: a reader subtracts, no programme is needed
    found = interval_audit(table("a", {"s-102": 7, "s-105": 3, "s-106": 9}, total=True))
    assert pinned(found) == [(("s-105",), 3.0, 3.0)]
    assert found.programmes == 0
