"""One block's linear programme, kept in HiGHS between objectives.

The audit asks one block for the lowest and highest value of cell after cell: the equations
and bounds stay, only the objective changes. Kept in one HiGHS instance, each solve starts
from the basis the last one ended on (a few pivots, not a fresh solve). scipy ships HiGHS
with its own bindings; where they are missing, each objective is a fresh `linprog`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np


def warm_up() -> None:
    """Import the solver and the sparse graphs on a daemon thread (a quarter of a second or
    more), so that a build's first joint protection does not wait for them: they load
    while its resource is read."""

    def load() -> None:
        import scipy.sparse.csgraph

        try:
            from scipy.optimize._highspy import _core  # noqa: F401
        except ImportError:  # a scipy without them: Programme falls back to linprog
            import scipy.optimize  # noqa: F401

    threading.Thread(target=load, daemon=True).start()


if TYPE_CHECKING:
    from scipy.sparse import csr_array

OPTIMAL, UNBOUNDED = 0, 3


class Programme:
    """Rows `lower <= matrix @ x <= upper` (equations where the two are equal, else `lower`
    is minus infinity) with `bounds` per variable; `solve` minimises a linear objective and
    gives linprog's status (0 optimal, 3 unbounded), the optimum and the optimal table."""

    def __init__(
        self,
        matrix: csr_array,
        lower: np.ndarray,
        upper: np.ndarray,
        bounds: list[tuple[float, float | None]],
    ):
        self.matrix, self.lower, self.upper, self.bounds = matrix, lower, upper, bounds
        self.highs = None
        try:
            self._keep(matrix, lower, upper, bounds)
        except (ImportError, AttributeError, TypeError, ValueError):
            # scipy's HiGHS bindings are not public: any version without them (or with other
            # names) solves each objective afresh with `linprog`
            self.highs = None

    def _keep(
        self,
        matrix: csr_array,
        lower: np.ndarray,
        upper: np.ndarray,
        bounds: list[tuple[float, float | None]],
    ) -> None:
        from scipy.optimize._highspy import _core

        self.core = _core
        self.highs = _core._Highs()
        self.highs.setOptionValue("output_flag", False)
        # only the objective changes between solves, from an optimal basis: presolving the
        # same rows again each time costs more than it saves
        self.highs.setOptionValue("presolve", "off")
        columns = matrix.tocsc()
        n = matrix.shape[1]
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = n, matrix.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.array([b[0] for b in bounds], dtype=float)
        lp.col_upper_ = np.array(
            [_core.kHighsInf if b[1] is None else b[1] for b in bounds], dtype=float
        )
        lp.row_lower_ = np.where(np.isinf(lower), -_core.kHighsInf, lower).astype(float)
        lp.row_upper_ = np.asarray(upper, dtype=float)
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, matrix.shape[0]
        lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
        lp.a_matrix_.index_ = columns.indices.astype(np.int32)
        lp.a_matrix_.value_ = columns.data.astype(float)
        self.highs.passModel(lp)
        self.columns = np.arange(n, dtype=np.int32)

    def solve(self, objective: np.ndarray) -> tuple[int, float, np.ndarray | None]:
        if self.highs is None:
            return self._fresh(objective)
        try:
            return self._kept(objective)
        except (AttributeError, TypeError, ValueError):  # bindings unlike those known here
            self.highs = None
            return self._fresh(objective)

    def _kept(self, objective: np.ndarray) -> tuple[int, float, np.ndarray | None]:
        highs, status = self.highs, self.core.HighsModelStatus
        assert highs is not None
        highs.changeColsCost(len(objective), self.columns, np.asarray(objective, dtype=float))
        highs.run()
        found = highs.getModelStatus()
        if found == status.kOptimal:
            x = np.asarray(highs.getSolution().col_value)
            return OPTIMAL, float(objective @ x), x
        if found == status.kUnbounded:
            return UNBOUNDED, -np.inf, None
        return self._fresh(objective)  # anything else is asked again from scratch

    def _fresh(self, objective: np.ndarray) -> tuple[int, float, np.ndarray | None]:
        from scipy.optimize import linprog

        rows = self.matrix.tocsr()
        equal = self.lower == self.upper
        result = linprog(
            objective, A_ub=rows[~equal] if (~equal).any() else None,
            b_ub=self.upper[~equal] if (~equal).any() else None,
            A_eq=rows[equal], b_eq=self.upper[equal], bounds=self.bounds, method="highs",
        )  # fmt: skip
        if result.status == OPTIMAL:
            return OPTIMAL, float(result.fun), result.x
        return int(result.status), np.nan, None
