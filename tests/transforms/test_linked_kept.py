"""The gate takes over the systems the protection left (nodes and all) only when its cells make
exactly those nodes: the same rows of the same tables, each published or hidden as the
protection left it, with the same values. Anything else builds afresh."""

from __future__ import annotations

import polars as pl
import pytest

from tests.transforms.test_linked_closure import grid, shown_except, small
from transforms.linked import solved
from transforms.linked import system as linked_system
from transforms.linked.audit import interval_audit
from transforms.linked.cells import SCHEMA
from transforms.linked.protect import protect_jointly
from transforms.linked.system import systems


def protected(seed: int) -> tuple[pl.DataFrame, list]:
    """A grid (the first from `seed` on that the protection does not refuse) protected alone,
    as the gate reads it after; the systems the protection left."""
    while True:
        frame, _ = grid(seed)
        own = small(frame)
        found = protect_jointly(pl.DataFrame(schema=SCHEMA), shown_except(frame, own))
        if not found.refusals:
            break
        seed += 1000
    hidden = (own | {r for _, r in found.hide}) - {r for _, r in found.show}
    return shown_except(frame, hidden), linked_system._BUILT[0]


def fresh_audit(cells: pl.DataFrame):
    linked_system._BUILT.clear()
    linked_system._SHAPES.clear()
    solved.forget()
    return interval_audit(cells)


@pytest.mark.parametrize("seed", range(12))
def test_the_gate_takes_over_the_protections_systems_and_finds_what_a_fresh_audit_does(seed):
    cells, left = protected(seed)
    taken = systems(cells)
    assert [id(s) for s in taken] == [id(s) for s in left]
    kept = interval_audit(cells)
    again = fresh_audit(cells)
    assert (kept.exposures, kept.hidden) == (again.exposures, again.hidden)
    assert kept.exposures == [], "a protected grid exposes nothing"


def test_a_changed_value_builds_afresh():
    cells, left = protected(2)
    row = int(cells.filter(~pl.col("suppressed"))["row"][0])
    moved = cells.with_columns(
        pl.when(pl.col("row") == row).then(pl.col("published") + 1).otherwise("published")
        .alias("published")
    )  # fmt: skip
    (taken,) = systems(moved)
    assert all(taken is not s for s in left)
    value = moved.filter(pl.col("row") == row)["published"][0]
    assert any(n.explicit and n.published == value for n in taken.nodes)


def test_a_cell_hidden_elsewhere_builds_afresh():
    cells, left = protected(4)
    row = int(cells.filter(~pl.col("suppressed"))["row"][0])
    hidden = set(cells.filter(pl.col("suppressed"))["row"].to_list()) | {row}
    (taken,) = systems(
        cells.with_columns(
            pl.col("row").is_in(sorted(hidden)).alias("suppressed"),
            pl.when(pl.col("row").is_in(sorted(hidden)))
            .then(None)
            .otherwise("truth")
            .alias("published"),
        )
    )
    assert all(taken is not s for s in left)
    assert sum(n.explicit and n.hidden for n in taken.nodes) == len(hidden)
