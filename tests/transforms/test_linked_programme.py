"""The audit's kept HiGHS programme gives the optima a fresh `linprog` gives, objective after
objective, on the same rows (equations and one-sided rows) and bounds."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from transforms.linked.programme import OPTIMAL, UNBOUNDED, Programme


def _fresh(matrix, lower, upper, bounds, objective):
    equal = lower == upper
    return linprog(objective, A_ub=matrix[~equal], b_ub=upper[~equal], A_eq=matrix[equal],
                   b_eq=upper[equal], bounds=bounds, method="highs")  # fmt: skip


def test_each_objective_reaches_the_optimum_a_fresh_solve_reaches():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 9, 12).astype(float)
    dense = rng.integers(-1, 2, (7, 12)).astype(float)
    matrix = csr_array(dense)
    rhs = dense @ truth
    lower = np.concatenate([rhs[:5], np.full(2, -np.inf)])
    upper = np.concatenate([rhs[:5], rhs[5:] + 2])
    bounds = [(0.0, 20.0)] * 12
    kept = Programme(matrix, lower, upper, bounds)
    for _ in range(30):
        objective = rng.normal(size=12)
        status, value, table = kept.solve(objective)
        expected = _fresh(matrix, lower, upper, bounds, objective)
        assert status == OPTIMAL and expected.status == 0
        assert abs(value - expected.fun) < 1e-6
        assert np.allclose(dense[:5] @ table, rhs[:5], atol=1e-6)


def test_an_unbounded_cell_is_reported_unbounded_with_and_without_scipys_bindings():
    matrix = csr_array(np.array([[1.0, -1.0]]))  # x0 - x1 = 2, x1 without an upper bound
    rhs = np.array([2.0])
    kept = Programme(matrix, rhs, rhs, [(0.0, None), (0.0, None)])
    assert kept.solve(np.array([-1.0, 0.0]))[0] == UNBOUNDED
    assert kept.solve(np.array([1.0, 0.0]))[:2] == (OPTIMAL, 2.0)
    kept.highs = None  # the fallback: a fresh linprog per objective
    assert kept.solve(np.array([-1.0, 0.0]))[0] == UNBOUNDED
    assert kept.solve(np.array([1.0, 0.0]))[:2] == (OPTIMAL, 2.0)


def test_bindings_unlike_those_known_fall_back_to_a_fresh_programme(monkeypatch):
    """scipy's HiGHS bindings are private: if a version renames what the kept programme calls,
    the answer comes from linprog instead of an error."""
    import types

    import scipy.optimize._highspy as bindings

    matrix = csr_array(np.array([[1.0, -1.0]]))
    rhs = np.array([2.0])
    kept = Programme(matrix, rhs, rhs, [(0.0, 5.0), (0.0, None)])
    with monkeypatch.context() as patched:
        patched.setattr(bindings, "_core", types.SimpleNamespace())  # nothing of the known names
        renamed = Programme(matrix, rhs, rhs, [(0.0, 5.0), (0.0, None)])
    assert renamed.highs is None
    assert renamed.solve(np.array([1.0, 0.0]))[:2] == (OPTIMAL, 2.0)
    kept.core = types.SimpleNamespace()  # renamed after the model was passed
    assert kept.solve(np.array([-1.0, 0.0]))[:2] == (OPTIMAL, -5.0)
    assert kept.highs is None
