"""Which suppressed rows the published rows and the totals pin down, checked against an exact
test of the test's own: a row is pinned when its unit vector lies in the row space of the
equations restricted to the suppressed rows, which Gaussian elimination over fractions
decides without rounding. Random systems of totals, many falling apart into blocks."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from transforms.products.secondary import determined


def rank(rows: list[list[Fraction]]) -> int:
    """The rank of `rows`, by elimination over fractions."""
    rows = [r[:] for r in rows if any(r)]
    found = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(found, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][col] != 0:
                factor = rows[i][col] / rows[found][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def pinned_exactly(suppressed: set[int], system: list[list[int]]) -> set[int]:
    unknowns = sorted(suppressed)
    at = {row: i for i, row in enumerate(unknowns)}
    matrix = []
    for eq in system:
        coefficients = [Fraction(0)] * len(unknowns)
        for j, row in enumerate(eq):
            if row in at:
                coefficients[at[row]] += 1 if j == 0 else -1
        matrix.append(coefficients)
    base = rank(matrix)
    pinned = set()
    for i, row in enumerate(unknowns):
        unit = [Fraction(int(k == i)) for k in range(len(unknowns))]
        if rank([*matrix, unit]) == base:
            pinned.add(row)
    return pinned


def random_system(rng: random.Random) -> tuple[set[int], list[list[int]]]:
    """Tables of a few rows each with their total, some sharing rows, some apart."""
    system, row = [], 0
    for _ in range(rng.randint(1, 8)):
        size = rng.randint(2, 5)
        children = list(range(row + 1, row + 1 + size))
        if system and rng.random() < 0.4:  # shares a row with an earlier table
            children[0] = rng.choice(rng.choice(system)[1:])
        system.append([row, *children])
        row += size + 1
    rows = {r for eq in system for r in eq}
    suppressed = {r for r in rows if rng.random() < 0.45}
    return suppressed, system


@pytest.mark.parametrize("seed", range(200))
def test_pinned_rows_are_those_the_exact_test_finds(seed):
    suppressed, system = random_system(random.Random(seed))
    assert determined(suppressed, system) == pinned_exactly(suppressed, system)


def test_a_row_alone_in_a_total_is_pinned_and_two_are_not():
    system = [[0, 1, 2, 3], [4, 5, 6]]
    assert determined({1}, system) == {1}
    assert determined({1, 2, 5}, system) == {5}
    assert determined({1, 2}, system) == set()
    assert determined(set(), system) == set()
