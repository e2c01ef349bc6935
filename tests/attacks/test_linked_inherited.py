"""Live tables that already expose something (published before the joint audit, or under other
rules) must not let a release expose more under their cover. Two ways it could, attacked with
this file's own attacker (scipy's linear programmes and numpy's least squares over the finest
cells), not the audit's code:
- a count the live tables narrowed (3 to 4, narrower than the protection width) that a release
  pins exactly (3): the exposure is not the same one, it is a worse one;
- a count the live tables pinned (4) whose sum of contributions they did not, which a release
  pins: the count's exposure is old, the sum's is new."""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.optimize import linprog

from transforms.linked.cells import SCHEMA
from transforms.linked.protect import protect_jointly

A, B = ["a1", "a2", "a3"], ["b1", "b2"]


def under(keys: dict[str, str], fine: list[tuple[str, str]]) -> np.ndarray:
    """Which of the finest cells a cell of `keys` adds up."""
    return np.array(
        [float(all({"A": a, "B": b}[d] == v for d, v in keys.items())) for a, b in fine]
    )


def frame(product: str, rows: list[dict], values, threshold: int, candidate: bool, sums=None):
    """Linked cells of a table: people (and, with `sums`, a sum of x) per row of `rows`."""
    out = []
    for i, keys in enumerate(rows):
        n = values(keys)
        dims = sorted(keys)
        families = [("people", n)] + ([("sum:x", sums(keys))] if sums else [])
        for family, v in families:
            counted = family == "people"
            out.append(
                {"product": product, "part": 0, "row": i, "family": family, "additive": True,
                 "dims": dims, "key": [keys[d] for d in dims],
                 "published": None if n < threshold else v, "truth": v, "suppressed": n < threshold,
                 "threshold": threshold if counted else None,
                 "width": float((threshold - 1) // 2) if counted else None, "candidate": candidate}
            )  # fmt: skip
    return pl.DataFrame(out, schema=SCHEMA)


#: (A, B, x) of each person: 4 people in a1 and in a2, 50 in a3.
PEOPLE = [
    ("a1", "b1", 11.0),
    ("a1", "b1", 13.0),
    ("a1", "b2", 17.0),
    ("a1", "b2", 19.0),
    ("a2", "b1", 23.0),
    ("a2", "b1", 29.0),
    ("a2", "b2", 31.0),
    ("a2", "b2", 37.0),
]
PEOPLE += [("a3", "b1", 1.0)] * 20 + [("a3", "b2", 2.0)] * 30  # fmt: skip


def contributions(people: list[tuple[str, str, float]]):
    """The people of a cell (by its keys) and the sum of their x."""

    def chosen(keys: dict) -> list:
        return [p for p in people if all({"A": p[0], "B": p[1]}[d] == v for d, v in keys.items())]

    return (lambda keys: float(len(chosen(keys))), lambda keys: sum(p[2] for p in chosen(keys)))


def test_a_count_the_live_tables_narrowed_is_not_pinned_by_a_release():
    grid = {("a1", "b1"): 3, ("a2", "b1"): 2, ("a2", "b2"): 2, ("a3", "b1"): 20, ("a3", "b2"): 30}
    fine = list(grid)  # the cells the release lists; (a1, b2) is empty and not listed

    def count(keys: dict) -> float:
        return float(under(keys, fine) @ np.array(list(grid.values()), dtype=float))

    live_rows = [{"A": a} for a in A] + [{}]
    rows = [{"A": a, "B": b} for a, b in grid] + [{"A": a} for a in A] + [{"B": b} for b in B]
    rows.append({})
    live = frame("L v1", live_rows, count, 5, False)
    found = protect_jointly(live, frame("R", rows, count, 2, True))
    assert found.refusals == []
    hidden = {r for _, r in found.hide} | {i for i, k in enumerate(rows) if count(k) < 2}

    def a1_range(shown: list[dict], small: list[tuple[dict, float]]) -> tuple[float, float]:
        """Lowest and highest people in a1 for a reader of `shown` cells who knows that every
        listed cell holds one at least and each of `small` at most its cap."""
        equal = np.array([under(k, fine) for k in shown])
        values = [count(k) for k in shown]
        caps = np.array([under(k, fine) for k, _ in small])
        ends = []
        for sign in (1.0, -1.0):
            found = linprog(
                sign * under({"A": "a1"}, fine), A_eq=equal, b_eq=values, A_ub=caps,
                b_ub=[c for _, c in small], bounds=[(1, None)] * len(fine),
            )  # fmt: skip
            ends.append(sign * found.fun)
        return ends[0], ends[1]

    live_shown = [k for k in live_rows if count(k) >= 5]
    live_small = [(k, 4.0) for k in live_rows if count(k) < 5]
    before = a1_range(live_shown, live_small)
    assert before == (3.0, 4.0)  # narrower than the width of 2 already
    shown = live_shown + [k for i, k in enumerate(rows) if i not in hidden]
    small = live_small + [(k, 1.0) for k in rows if count(k) < 2]
    assert a1_range(shown, small) == before  # the release narrows it no further


def test_a_sum_the_live_tables_left_open_is_not_pinned_under_a_pinned_count():
    fine = [(a, b) for a in A for b in B]
    count, total = contributions(PEOPLE)
    live_rows = [{"A": a} for a in A] + [{}]
    rows = [{"A": a, "B": b} for a in A for b in B] + [{"A": a} for a in A]
    rows += [{"B": b} for b in B] + [{}]
    # a1 and a2 (4 people each) are hidden, a3 and the total shown: a reader who knows that
    # hidden cells hold at most 4 pins both counts, but not their sums
    live = frame("L v1", live_rows, count, 5, False, total)
    found = protect_jointly(live, frame("R", rows, count, 2, True, total))
    assert found.refusals == []
    hidden = {r for _, r in found.hide} | {i for i, k in enumerate(rows) if count(k) < 2}
    shown = [k for k in live_rows if count(k) >= 5] + [
        k for i, k in enumerate(rows) if i not in hidden
    ]
    known = np.array([under(k, fine) for k in shown])
    for a in ("a1", "a2"):
        target = under({"A": a}, fine)
        solution, *_ = np.linalg.lstsq(known.T, target, rcond=None)
        assert not np.allclose(known.T @ solution, target), f"the sum of {a} is pinned"
