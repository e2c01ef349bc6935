"""Cells the audit takes as pinned without a programme (peeled one equation at a time) are
pinned: a linear programme over the same equations, with no bounds, finds each of them one
value, on random systems of hidden cells."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_array

from transforms.linked.audit import peeled


def system(seed: int) -> csr_array:
    rng = np.random.default_rng(seed)
    cells, equations = int(rng.integers(2, 12)), int(rng.integers(1, 10))
    rows, cols, vals = [], [], []
    for r in range(equations):
        members = rng.choice(cells, size=int(rng.integers(1, min(cells, 4) + 1)), replace=False)
        for j, c in enumerate(members):
            rows.append(r)
            cols.append(int(c))
            vals.append(1.0 if j == 0 else -1.0)
    return csr_array((vals, (rows, cols)), shape=(equations, cells))


def free(matrix: csr_array, cell: int) -> bool:
    """Whether the cell can move with every equation held (x = 0 is one solution)."""
    objective = np.zeros(matrix.shape[1])
    objective[cell] = -1.0
    zero = np.zeros(matrix.shape[0])
    found = linprog(objective, A_eq=matrix, b_eq=zero, bounds=[(-1, 1)] * matrix.shape[1])
    return found.status == 0 and -found.fun > 1e-9


@pytest.mark.parametrize("seed", range(200))
def test_a_peeled_cell_is_pinned_by_the_equations(seed):
    matrix = system(seed)
    for cell in np.flatnonzero(peeled(matrix)):
        assert not free(matrix, int(cell)), f"cell {cell} moves, yet was taken as pinned"


def test_peeling_follows_a_chain_of_equations():
    # a = 5 (alone); b - a = 2; c - b = 1: all three pinned, one after the other
    matrix = csr_array(np.array([[1.0, 0, 0], [-1.0, 1.0, 0], [0, -1.0, 1.0]]))
    assert peeled(matrix).tolist() == [True, True, True]
    # a + b = 3 alone pins neither
    assert peeled(csr_array(np.array([[1.0, 1.0]]))).tolist() == [False, False]
