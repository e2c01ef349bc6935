"""Linking the open hotline tickets with the shared model of the same resource. The department
that receives `hotline_by_district_month` (tickets and mean satisfaction per district, month
and category, cells of at least 5) also reads the open `hotline_tickets_open` (every
combination of generalised district, month and category shared by at least 20 tickets, with
satisfaction and the redacted text). It knows a target's district, month and category, and
keeps the open rows whose satisfaction could sit in the target's model cell: a cell of n
tickets whose mean is m admits only values that some n of the block's values averaging m
contain, where the block is every open row whose generalised district, month and category
cover the cell. The attacker below enumerates those multisets itself; it shares no code with
the gate.

Before the release ledger judged records beside the cells of exact tables, this left 18
candidates of a class of 25 on the demo's 3,000 rows, below the 20 the open release promises.
"""

from __future__ import annotations

import itertools
from collections import Counter

import polars as pl

from tests.e2e.conftest import Workspace

K = 20
VALUES = (None, 1, 2, 3, 4, 5)
STAR = -1
"""A satisfaction generalised to "*"."""


def _covers(label: str, code: str) -> bool:
    """A generalised district label (a city ends in 00, a province in 0000) covers a code."""
    if label == "*":
        return True
    if label.endswith("0000"):
        return code[:2] == label[:2]
    if label.endswith("00"):
        return code[:4] == label[:4]
    return code == label


def _month_covers(label: str, month: str) -> bool:
    return all(a == b or a == "*" for a, b in zip(label.ljust(len(month), "*"), month, strict=True))


def _admitted(n: int, mean: float | None, counts: Counter) -> set:
    """Satisfaction values some n of the block's values with this mean can contain; a row
    whose satisfaction was generalised away (STAR) may hold any value."""
    seen: set = set()
    for picked in itertools.combinations_with_replacement(range(len(VALUES)), n):
        chosen = Counter(picked)
        short = sum(max(0, chosen[i] - counts.get(VALUES[i], 0)) for i in chosen)
        if short > counts.get(STAR, 0):
            continue
        known = [VALUES[i] for i in picked if VALUES[i] is not None]
        mu = round(sum(known) / len(known), 2) if known else None
        if mu == mean or (mu is not None and mean is not None and abs(mu - mean) < 1e-9):
            seen |= {VALUES[i] for i in chosen}
    return seen


def _satisfaction(value: object) -> int | None:
    """A published satisfaction, as a number or as the text a quasi-identifier becomes."""
    if value is None or value == "(missing)":
        return None
    if value == "*":
        return STAR
    return int(value)  # type: ignore[call-overload]


def fewest_candidates(open_rows: pl.DataFrame, model: pl.DataFrame) -> int:
    cells = model.filter(~pl.col("suppressed")).to_dicts()
    fewest = K * 100
    rows = open_rows.with_columns(
        pl.col("satisfaction").map_elements(_satisfaction, return_dtype=pl.Int64)
    )
    blocks = rows.group_by(["district", "created_at", "category"]).agg("satisfaction")
    for row in blocks.to_dicts():
        counts = Counter(row["satisfaction"])
        for cell in cells:
            inside = (
                row["category"] in (cell["category"], "*")
                and _covers(row["district"], cell["district"])
                and _month_covers(row["created_at"], cell["month"])
            )
            if inside and cell["tickets"] <= 14:
                admitted = _admitted(cell["tickets"], cell["mean_satisfaction"], counts)
                if admitted:  # else the cell's tickets were suppressed, not published here
                    fewest = min(fewest, sum(counts[v] for v in admitted) + counts[STAR])
    return fewest


def test_linking_the_shared_model_leaves_every_ticket_among_k_open_rows(workspace: Workspace):
    open_rows = pl.read_parquet(
        workspace.published / "hotline_tickets_open" / "v1" / "data.parquet"
    )
    model = pl.read_parquet(
        workspace.published / "hotline_by_district_month" / "v1" / "data.parquet"
    )
    assert open_rows.group_by(["district", "created_at", "category"]).len()["len"].min() >= K
    assert fewest_candidates(open_rows, model) >= K


def test_the_same_attacker_narrows_a_class_when_satisfaction_sits_beside_it():
    """The attacker is not blind: on a class of 25 tickets beside a model cell of 6 whose mean
    is 5.0, only the fives and the unrated (a missing rating is not averaged) remain."""
    open_rows = pl.DataFrame(
        {
            "district": ["330100"] * 25,
            "created_at": ["2025-**"] * 25,
            "category": ["投诉"] * 25,
            "satisfaction": [5] * 8 + [4] * 9 + [None] * 8,
        }
    )
    model = pl.DataFrame(
        {
            "district": ["330106"],
            "month": ["2025-03"],
            "category": ["投诉"],
            "tickets": [6],
            "mean_satisfaction": [5.0],
            "suppressed": [False],
        }
    )
    assert fewest_candidates(open_rows, model) == 16
