"""What the protection works out without a programme: a hidden cell left alone in a row or
column beside its published total gets a partner hidden at once (secondary suppression's first
step), and a hiding the pruning would undo is kept without an audit when undoing it leaves a
listed cell alone in an equation. Checked on random grids with totals against equations the
test writes itself and against a fresh audit."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.linked.audit import exposed, interval_audit
from transforms.linked.cells import SCHEMA
from transforms.linked.protect import _Board, protect_jointly
from transforms.linked.system import systems

THRESHOLD = 5


def grid(seed: int, counts: np.ndarray | None = None) -> tuple[pl.DataFrame, dict[tuple, int]]:
    """Linked cells of a grid of people by a and b (random, or `counts`) with row, column and
    grand totals (every cell the release's), and the row of each cell by its key."""
    if counts is None:
        rng = np.random.default_rng(seed)
        shape = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        counts = rng.integers(1, 25, size=shape)
    rows_, cols_ = counts.shape
    entries = []
    for i in range(rows_):
        for j in range(cols_):
            entries.append((["a", "b"], [f"a{i}", f"b{j}"], int(counts[i, j])))
    for i in range(rows_):
        entries.append((["a"], [f"a{i}"], int(counts[i].sum())))
    for j in range(cols_):
        entries.append((["b"], [f"b{j}"], int(counts[:, j].sum())))
    entries.append(([], [], int(counts.sum())))
    frame = pl.DataFrame(
        {
            "product": "t", "part": 0, "row": range(len(entries)), "family": "people",
            "additive": True, "dims": [e[0] for e in entries], "key": [e[1] for e in entries],
            "published": [float(e[2]) for e in entries], "truth": [float(e[2]) for e in entries],
            "suppressed": False, "threshold": THRESHOLD, "width": 2.0, "candidate": True,
        },
        schema=SCHEMA,
    )  # fmt: skip
    return frame, {tuple(e[1]): r for r, e in enumerate(entries)}


def lines(at: dict[tuple, int]) -> list[set[int]]:
    """Each total with the cells it sums, as rows."""
    cells = [k for k in at if len(k) == 2]
    found = []
    for total in at:
        if len(total) == 1:
            side = 0 if total[0].startswith("a") else 1
            found.append({at[total]} | {at[c] for c in cells if c[side] == total[0]})
    rows_ = [k for k in at if len(k) == 1 and k[0].startswith("a")]
    cols_ = [k for k in at if len(k) == 1 and k[0].startswith("b")]
    found += [{at[()]} | {at[k] for k in rows_}, {at[()]} | {at[k] for k in cols_}]
    return found


def board(frame: pl.DataFrame) -> _Board:
    """The protection's board of the grid, its cells below the minimum hidden by the release."""
    hidden = small(frame)
    flags = [r in hidden for r in range(frame.height)]
    release = frame.with_columns(pl.Series("suppressed", flags))
    return _Board(pl.DataFrame(schema=SCHEMA), release, set())


def shown_except(frame: pl.DataFrame, hide: set[int]) -> pl.DataFrame:
    hidden = pl.Series([r in hide for r in range(frame.height)])
    return frame.with_columns(
        hidden.alias("suppressed"), pl.when(hidden).then(None).otherwise("truth").alias("published")
    )


def some_hidden(frame: pl.DataFrame, seed: int) -> set[int]:
    """The cells below the minimum and a random handful of others."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, frame.height))
    return small(frame) | set(rng.choice(frame.height, size=size, replace=False).tolist())


def small(frame: pl.DataFrame) -> set[int]:
    return set(np.flatnonzero(frame["truth"].to_numpy() < THRESHOLD).tolist())


@pytest.mark.parametrize("seed", range(40))
def test_the_closure_leaves_no_hidden_cell_alone_beside_its_total(seed):
    frame, at = grid(seed)
    hide = {(0, r) for r in small(frame)}
    if not hide:
        return
    board(frame).closure(hide)
    hidden = {r for _, r in hide}
    for line in lines(at):
        assert len(line & hidden) != 1, f"{sorted(line & hidden)} alone in {sorted(line)}"


def test_the_closure_hides_the_partner_a_lone_cell_needs():
    frame, at = grid(0)
    lone = at[("a0", "b0")]
    frame = frame.with_columns(  # one cell below the minimum, the others well above it
        pl.when(pl.col("row") == lone).then(3.0).otherwise(pl.col("truth") + 20.0).alias("truth")
    )
    hide = {(0, lone)}
    added = board(frame).closure(hide)
    assert added, "a cell hidden alone beside its totals got no partner"
    assert {r for _, r in added}.isdisjoint({lone})


@pytest.mark.parametrize("seed", range(40))
def test_a_hiding_kept_for_pinning_a_cell_would_expose_one(seed):
    frame, _ = grid(seed)
    hidden = some_hidden(frame, 1000 + seed)
    b = board(frame)
    hide = {(0, r) for r in hidden}
    for r in sorted(hidden - small(frame)):  # hidings the protection added
        if b.pins(hide, (0, r)):
            audit = interval_audit(shown_except(frame, hidden - {r}))
            assert any(e.exact for e in audit.exposures), f"showing row {r} exposes nothing"


def test_pins_says_so_for_a_cell_left_alone_and_not_for_a_pair():
    frame, at = grid(3)
    frame = frame.with_columns(pl.col("truth") + 20.0)  # nothing below the minimum
    b = board(frame)
    corners = {at[("a0", "b0")], at[("a0", "b1")], at[("a1", "b0")], at[("a1", "b1")]}
    hide = {(0, r) for r in corners}
    # showing one corner of a rectangle leaves its two neighbours alone in their lines
    assert b.pins(hide, (0, at[("a0", "b0")]))
    # a grand total hidden alone: showing it leaves no other hidden cell anywhere
    assert not b.pins({(0, at[()])}, (0, at[()]))


def test_a_row_of_small_cells_the_release_alone_pins_is_refused_saying_what_to_do():
    # the row of a1 holds 3 people in three cells: each is 1 (its total is at least 3, below 5)
    frame, at = grid(0, np.array([[13, 7, 8], [1, 1, 1], [20, 9, 11], [12, 15, 30]]))
    row = {at[("a1", "b0")], at[("a1", "b1")], at[("a1", "b2")], at[("a1",)]}
    assert small(frame) == row
    found = protect_jointly(pl.DataFrame(schema=SCHEMA), shown_except(frame, row))
    assert found.refusals
    assert all("coarser dimensions or merge its smallest categories" in r for r in found.refusals)
    assert not any("beside" in r for r in found.refusals)


@pytest.mark.parametrize("seed", range(30))
def test_a_cells_own_two_programmes_say_what_the_audit_says_of_it(seed):
    frame, _ = grid(seed)
    hidden = some_hidden(frame, 2000 + seed)
    cells = shown_except(frame, hidden)
    (system,) = systems(cells)
    mask = np.array([node.hidden for node in system.nodes])
    found = {e.node for e in interval_audit(cells).exposures}
    for n in np.flatnonzero(mask).tolist():
        if system.nodes[n].explicit:
            assert exposed(system, n, mask) == (n in found), f"cell {system.nodes[n].key}"
