"""What a table's cells let a reader of records do, played out by brute force on random small
resources and compared with how the release ledger counts it (transforms/linkage/cells.py).

The records publish quasi-identifiers `a` (generalised: a // 2) and `b`, and a column `v`
beside them. A table counts or averages `v` by cells of some of `a`, `b` and `c` (a column
the records do not publish). The attacker knows a target's `a`, `b` and `c`, so its cell, and
is granted the most a table can tell: which values of `v` the rows of the target's class
inside that cell hold. It keeps the class's rows with one of those values.
- When the ledger calls the table nested in the release, the attacker keeps the whole class.
- Otherwise the ledger counts `v` as known exactly, and then its candidate count (rows of the
  class with the target's own value) is never more than the attacker's.
"""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.linkage.cells import cell_reveals, nested

DIMS = st.lists(st.sampled_from(["a", "b", "c", "v"]), min_size=1, max_size=3, unique=True)
ROWS = st.lists(st.tuples(*(st.integers(0, 3) for _ in range(4))), min_size=1, max_size=30).map(
    lambda rows: pl.DataFrame(rows, schema=["a", "b", "c", "v"], orient="row")
)


def _released(frame: pl.DataFrame, a_level: int) -> pl.DataFrame:
    """Class keys as the release publishes them: `a` at level 0 or 1, `b` as it is."""
    return frame.with_columns(cls_a=pl.col("a") // 2 if a_level else pl.col("a"))


def _attacker(frame: pl.DataFrame, dims: list[str]) -> list[int]:
    """Per row as target: rows of its class whose `v` appears among the rows of its class
    that share its cell."""
    rows = frame.to_dicts()
    out = []
    for t in rows:
        cls = [r for r in rows if (r["cls_a"], r["b"]) == (t["cls_a"], t["b"])]
        inside = {r["v"] for r in cls if all(r[d] == t[d] for d in dims if d != "v")}
        out.append(sum(1 for r in cls if r["v"] in inside))
    return out


def _ledger_count(frame: pl.DataFrame) -> list[int]:
    """Per row: rows of its class with its own `v` (the column counted as known exactly)."""
    sizes = frame.group_by("cls_a", "b", "v").len()
    return frame.join(sizes, on=["cls_a", "b", "v"], how="left", maintain_order="left")[
        "len"
    ].to_list()


@settings(max_examples=300, deadline=None)
@given(ROWS, DIMS, st.sampled_from([0, 1]), st.sampled_from(["count", "mean"]))
def test_the_ledger_never_counts_fewer_candidates_than_the_attacker_keeps(rows, dims, level, agg):
    frame = _released(rows, level)
    stats = [("mean", "v")] if agg == "mean" else [("count", None)]
    told = {k.column: k for k in cell_reveals(dims, stats)}
    assert ("v" in told) == (agg == "mean" or "v" in dims)
    if "v" not in told:  # neither grouped nor aggregated: the table says nothing of v
        return
    exactly = {"v", "b", *(["a"] if level == 0 else [])}
    attacker = _attacker(frame, dims)
    sizes = frame.group_by("cls_a", "b").len()
    whole = frame.join(sizes, on=["cls_a", "b"], maintain_order="left")["len"].to_list()
    if nested(told["v"], exactly):
        assert attacker == whole
    else:
        assert all(c <= a for c, a in zip(_ledger_count(frame), attacker, strict=True))


def test_the_attacker_does_narrow_a_class_the_table_cuts():
    """Not blind: two cells of one class holding different values are told apart."""
    frame = _released(
        pl.DataFrame({"a": [0, 1, 0, 1], "b": [0] * 4, "c": [0, 0, 1, 1], "v": [1, 1, 2, 2]}), 1
    )
    assert _attacker(frame, ["c", "v"]) == [2, 2, 2, 2]
    assert _attacker(frame, ["a", "v"]) == [4, 4, 4, 4]  # a's cells mix both values
