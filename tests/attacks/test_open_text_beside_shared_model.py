"""Linking the open hotline tickets with the shared model of the same resource. The department
that receives `hotline_by_district_month` (tickets and mean satisfaction per district, month
and category, cells of at least 5) also reads the open `hotline_tickets_open` (every
combination of generalised district, month and category shared by at least 20 tickets, with
satisfaction and the redacted text). It knows a target's district, month and category, and
keeps the open rows whose satisfaction could sit in the target's model cell: a cell of n
tickets whose mean is m admits only values that some n of the class's values averaging m
contain. The attacker below enumerates those multisets itself; it shares no code with the gate.

Measured on the demo's 3,000 rows: the fewest candidates left is 18 of a class of 25, below
the 20 the open release promises. The release ledger does not yet judge open records against
the means a shared model publishes, so this is a known gap, kept here until it is closed.
"""

from __future__ import annotations

import itertools
from collections import Counter

import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

K = 20
VALUES = (None, 1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Workspace:
    products = ("hotline_by_district_month", "hotline_tickets_open")
    return make_workspace(tmp_path_factory, 3000, *(a for p in products for a in ("--product", p)))


def _covers(label: str, code: str) -> bool:
    """A generalised district label (a city ends in 00, a province in 0000) covers a code."""
    if label.endswith("0000"):
        return code[:2] == label[:2]
    if label.endswith("00"):
        return code[:4] == label[:4]
    return code == label


def _month_covers(label: str, month: str) -> bool:
    return all(a == b or a == "*" for a, b in zip(label.ljust(len(month), "*"), month, strict=True))


def _admitted(n: int, mean: float | None, counts: Counter) -> set:
    """Satisfaction values some n of the class's values with this mean can contain."""
    seen: set = set()
    for picked in itertools.combinations_with_replacement(range(len(VALUES)), n):
        chosen = Counter(picked)
        if any(chosen[i] > counts.get(VALUES[i], 0) for i in chosen):
            continue
        known = [VALUES[i] for i in picked if VALUES[i] is not None]
        mu = round(sum(known) / len(known), 2) if known else None
        if mu == mean or (mu is not None and mean is not None and abs(mu - mean) < 1e-9):
            seen |= {VALUES[i] for i in chosen}
    return seen


def fewest_candidates(open_rows: pl.DataFrame, model: pl.DataFrame) -> int:
    cells = model.filter(~pl.col("suppressed")).to_dicts()
    fewest = K * 100
    classes = open_rows.group_by(["district", "created_at", "category"]).agg("satisfaction")
    for row in classes.to_dicts():
        counts = Counter(row["satisfaction"])
        for cell in cells:
            inside = (
                cell["category"] == row["category"]
                and _covers(row["district"], cell["district"])
                and _month_covers(row["created_at"], cell["month"])
            )
            if inside and cell["tickets"] <= 14:
                admitted = _admitted(cell["tickets"], cell["mean_satisfaction"], counts)
                fewest = min(fewest, sum(counts[v] for v in admitted))
    return fewest


@pytest.mark.xfail(strict=True, reason="measured: 18 candidates left of a class of 25 (k=20)")
def test_linking_the_shared_model_leaves_every_ticket_among_k_open_rows(linked: Workspace):
    open_rows = pl.read_parquet(linked.published / "hotline_tickets_open" / "v1" / "data.parquet")
    model = pl.read_parquet(linked.published / "hotline_by_district_month" / "v1" / "data.parquet")
    assert open_rows.group_by(["district", "created_at", "category"]).len()["len"].min() >= K
    assert fewest_candidates(open_rows, model) >= K
