"""A differencing attack on published model products: every total is the sum of the rows one
level below it, so an attacker writes one linear equation per total and solves them exactly
(rational arithmetic, reduced row echelon form) for the suppressed rows. After secondary
suppression it must recover none.

The attacker reads only what a consumer reads: the published dimensions, `margin` and the
published measure; it shares no code with the builder.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.products.model import Dim, Stat, build_model, protect_margins


def attack(table: pl.DataFrame, dims: list[str], measure: str) -> dict[int, Fraction]:
    """Suppressed rows whose `measure` follows from the published rows, with their value."""
    rows = table.rows(named=True)
    level = [set(r["margin"].split(",")) if r["margin"] else set() for r in rows]
    unknown = [i for i, r in enumerate(rows) if r[measure] is None]
    col = {row: j for j, row in enumerate(unknown)}
    system = []
    for i, parent in enumerate(rows):
        for d in level[i]:
            children = [
                c
                for c, child in enumerate(rows)
                if level[c] == level[i] - {d}
                and all(child[o] == parent[o] for o in dims if o != d and o not in level[i])
            ]
            if not children:
                continue
            coeffs = [Fraction(0)] * len(unknown)
            rhs = Fraction(0)
            for row, sign in [(i, 1), *((c, -1) for c in children)]:
                if row in col:
                    coeffs[col[row]] += sign
                else:
                    rhs -= sign * Fraction(rows[row][measure])
            system.append((coeffs, rhs))
    return {unknown[j]: v for j, v in _solved(system, len(unknown)).items()}


def _solved(system: list[tuple[list[Fraction], Fraction]], n: int) -> dict[int, Fraction]:
    """Unknowns pinned by the system: rows of the reduced echelon form with one nonzero."""
    matrix = [[*coeffs, rhs] for coeffs, rhs in system]
    pivot_row = 0
    for j in range(n):
        pick = next((r for r in range(pivot_row, len(matrix)) if matrix[r][j] != 0), None)
        if pick is None:
            continue
        matrix[pivot_row], matrix[pick] = matrix[pick], matrix[pivot_row]
        lead = matrix[pivot_row][j]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][j] != 0:
                factor = matrix[r][j]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    found = {}
    for row in matrix[:pivot_row]:
        nonzero = [j for j in range(n) if row[j] != 0]
        if len(nonzero) == 1:
            found[nonzero[0]] = row[n]
    return found


DIMS = [Dim("a", "a"), Dim("b", "b"), Dim("c", "c")]
STATS = [Stat("n", "count")]

tables = st.lists(
    st.tuples(st.sampled_from("pqrs"), st.sampled_from("xyz"), st.sampled_from("uv")),
    min_size=1,
    max_size=80,
)


def build(rows: list[tuple], k: int, margins: list[str]) -> pl.DataFrame:
    frame = pl.LazyFrame(rows, schema=["a", "b", "c"], orient="row")
    return build_model(frame, dims=DIMS, stats=STATS, min_group_size=k, margins=margins).collect()


@settings(max_examples=120, deadline=None)
@given(
    rows=tables,
    k=st.integers(2, 5),
    margins=st.sampled_from([["a"], ["a", "b"], ["b", "c"], ["a", "b", "c"]]),
)
def test_no_suppressed_cell_is_recovered_after_secondary_suppression(rows, k, margins):
    table = protect_margins(build(rows, k, margins), dims=["a", "b", "c"], stats=STATS)
    assert attack(table, ["a", "b", "c"], "n") == {}
    published = table.filter(~pl.col("suppressed"))
    assert published["n"].null_count() == 0
    # every published row still holds its true count
    truth = pl.DataFrame(rows, schema=["a", "b", "c"], orient="row")
    for row in published.iter_rows(named=True):
        match = truth
        for d in ["a", "b", "c"]:
            if row[d] is not None:
                match = match.filter(pl.col(d) == row[d])
        assert row["n"] == match.height


def test_without_secondary_suppression_the_attack_succeeds():
    """The attack is real: primary suppression alone leaves a small cell one subtraction away."""
    rows = [("p", "x", "u")] * 5 + [("q", "x", "u")] * 6 + [("r", "x", "u")]
    table = build(rows, 3, ["a"]).drop("__cell_subjects")
    recovered = attack(table, ["a", "b", "c"], "n")
    assert list(recovered.values()) == [1]
    protected = protect_margins(build(rows, 3, ["a"]), dims=["a", "b", "c"], stats=STATS)
    assert attack(protected, ["a", "b", "c"], "n") == {}
    assert protected["suppressed"].sum() == 2
