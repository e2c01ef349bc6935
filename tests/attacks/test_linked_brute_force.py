"""Random small tables of one resource (a grid of two nested dimensions, a table with totals, a
table without, a table of the first dimension alone), each protected against those published
before it, then attacked by brute force: every assignment of whole numbers to the cells no
table shows that agrees with every shown cell and total. No hidden cell may have one possible
value, and none below the minimum group size may have a range narrower than the protection
width, even for an attacker who knows which hidden cells are below the minimum (the attacker
the audit assumes). The attacker shares no code with Sluice; releases the protection refuses
are simply not published (their cells are then not known to exist)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.footprint import CellTable, Statistic
from transforms.linked.cells import linked_cells
from transforms.linked.protect import protect_jointly
from transforms.linked.truth import exact_values
from transforms.products.model import Dim, Stat, build_model, hide_rows, protect_margins, show_rows

STATS = [Stat("n", "count")]


def publish(
    rows: pl.DataFrame, name: str, dims: list[str], m: int, totals: bool, live: pl.DataFrame
) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """Build, protect beside `live`, and return the published table (None when refused) and
    the live cells after it."""
    source = rows.lazy()
    table = build_model(source, dims=[Dim(d, d) for d in dims], stats=STATS, min_group_size=m,
                        margins=dims if totals else ()).collect()  # fmt: skip
    unsuppressed = table
    if totals:
        table = protect_margins(table, dims=dims, stats=STATS)
    pairs = tuple((d, d) for d in dims)
    truth = exact_values(table, source, dims=pairs, statistics=[Statistic("n", "count")],
                         subject=None, margin="margin" if totals else None)  # fmt: skip
    cells = CellTable("r", pairs, (Statistic("n", "count"),), table, "suppressed",
                      "margin" if totals else None, True, m, truth, "basis",
                      float((m - 1) // 2), subject=False)  # fmt: skip
    found = protect_jointly(live, linked_cells(cells, name, 0, candidate=True))
    if found.refusals:
        return None, live
    table = show_rows(table, unsuppressed, {r for _, r in found.show}, STATS)
    table = hide_rows(table, {r for _, r in found.hide}, STATS).drop(
        "__cell_subjects", strict=False
    )
    published = linked_cells(replace(cells, cells=table), name, 0)
    return table, pl.concat([live, published]) if live.height else published


def solutions(grid: dict, tables: list[tuple[list[str], pl.DataFrame]], caps: dict) -> list[dict]:
    """Every whole-number grid (cells no table shows at 1..cap when some table lists them,
    0..cap when none does) agreeing with every shown value, found by backtracking."""
    shown: dict[tuple, int] = {}
    listed: set[tuple] = set()  # cells some table lists, so the reader knows they are not empty
    equations: list[tuple[dict[int, object], int]] = []
    for dims, table in tables:
        if len(dims) == 2:
            cells = table.filter(pl.col("margin").is_null()) if "margin" in table.columns else table
            listed |= set(cells.select("a", "b").rows())
        for r in table.filter(~pl.col("suppressed")).iter_rows(named=True):
            summed = set((r.get("margin") or "").split(",")) - {""}
            if len(dims) == 2 and not summed:
                shown[(r["a"], r["b"])] = r["n"]
            else:
                fixed = {i: r[d] for i, d in enumerate(("a", "b")) if d in dims and d not in summed}
                equations.append((fixed, r["n"]))
    unknown = [c for c in grid if c not in shown]
    found: list[dict] = []

    def consistent(values: dict) -> bool:
        for fixed, total in equations:
            under = [c for c in grid if all(c[i] == v for i, v in fixed.items())]
            if all(c in values or c in shown for c in under):
                if sum(values.get(c, shown.get(c, 0)) for c in under) != total:
                    return False
            elif (
                sum(values.get(c, shown.get(c, 0)) for c in under if c in values or c in shown)
                > total
            ):
                return False
        return True

    def walk(i: int, values: dict) -> None:
        if i == len(unknown):
            found.append({**shown, **values})
            return
        for v in range(1 if unknown[i] in listed else 0, caps[unknown[i]] + 1):
            values[unknown[i]] = v
            if consistent(values):
                walk(i + 1, values)
            del values[unknown[i]]

    walk(0, {})
    return found


def _shows(table: pl.DataFrame, dims: list[str], cell: tuple) -> bool:
    if len(dims) != 2:
        return False
    rows = table.filter(~pl.col("suppressed") & (pl.col("a") == cell[0]) & (pl.col("b") == cell[1]))
    return rows.height > 0


def _listed(published: list[tuple[list[str], pl.DataFrame]]) -> set[tuple]:
    return {
        (r["a"], r["b"]) for dims, t in published if len(dims) == 2 for r in t.iter_rows(named=True)
        if r["a"] is not None and r["b"] is not None
    }  # fmt: skip


def _rows_shown(published: list[tuple[list[str], pl.DataFrame]]) -> set[object]:
    """Values of the first dimension whose row total some table shows."""
    found = set()
    for dims, t in published:
        rows = t.filter(~pl.col("suppressed"))
        if "margin" in t.columns:
            rows = rows.filter(
                pl.col("margin").is_null() if len(dims) == 1 else pl.col("margin") == "b"
            )
        elif len(dims) == 2:
            continue
        found |= set(rows["a"].drop_nulls().to_list())
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(1, 13), min_size=6, max_size=6),
    m=st.sampled_from([3, 4, 5]),
    order=st.permutations(["totals", "cells", "rows", "row totals"]),
)
def test_no_published_combination_pins_or_narrows_a_hidden_cell(counts, m, order):
    attack(counts, m, order)


# A table protected beside live ones hides a complement (at or above the minimum) that the
# live tables' cells already add up to: the protection shows it instead of refusing the table.
GIVEN_AWAY = [
    ([6, 4, 3, 12, 6, 12], 4, ["cells", "row totals", "rows", "totals"]),
    ([10, 9, 8, 2, 5, 4], 5, ["cells", "totals", "row totals", "rows"]),
    ([2, 3, 3, 5, 4, 5], 3, ["cells", "totals", "row totals", "rows"]),
]


@pytest.mark.parametrize(("counts", "m", "order"), GIVEN_AWAY)
def test_a_complement_the_live_tables_give_away_is_shown_not_refused(counts, m, order):
    published = attack(counts, m, order)
    assert len(published) == len(order)  # every table published, and the attack found nothing


def attack(counts: list[int], m: int, order: list[str]) -> list[tuple[list[str], pl.DataFrame]]:
    """Publish the tables in `order`, each protected beside those before it, and attack them
    all by brute force; the tables published."""
    grid = {(a, b): counts[i * 3 + j] for i, a in enumerate("xy") for j, b in enumerate("pqr")}
    rows = pl.DataFrame(
        {"a": [a for (a, _), n in grid.items() for _ in range(n)],
         "b": [b for (_, b), n in grid.items() for _ in range(n)]}
    )  # fmt: skip
    live = pl.DataFrame()
    published: list[tuple[list[str], pl.DataFrame]] = []
    shapes = {"totals": (["a", "b"], True), "cells": (["a", "b"], False), "rows": (["a"], False),
              "row totals": (["a"], True)}  # fmt: skip
    for name in order:
        dims, totals = shapes[name]
        table, live = publish(rows, name, dims, m, totals, live)
        if table is not None:
            published.append((dims, table))
    if not published:
        return published
    width = (m - 1) // 2
    # a reader who knows which hidden cells are below the minimum caps those at m - 1
    strong = solutions(grid, published, {c: (m - 1 if n < m else 60) for c, n in grid.items()})
    assert grid in strong  # the truth is always possible
    hidden = [c for c in grid if not any(_shows(t, dims, c) for dims, t in published)]
    for cell in hidden:
        n = grid[cell]
        values = {s[cell] for s in strong}
        if cell in _listed(published):  # a reader who does not know it exists learns nothing
            assert len(values) > 1, f"{cell} pinned to {values}"
            if n < m:
                assert max(values) - min(values) >= width, f"{cell} narrowed to {sorted(values)}"
    for a in {a for a, _ in grid} - _rows_shown(published):  # rows of the first dimension
        n = sum(v for (x, _), v in grid.items() if x == a)
        values = {sum(v for (x, _), v in s.items() if x == a) for s in strong}
        if any(len(dims) == 1 and a in t["a"].to_list() for dims, t in published):
            assert len(values) > 1, f"row {a} pinned to {values}"
            if n < m:
                assert max(values) - min(values) >= width, f"row {a} narrowed to {values}"
    return published
