"""Local suppression of single cells: instead of removing a record whose class is too small,
blank its quasi-identifier cells one at a time, most identifying first, until it hides among
k records; only records still alone with every cell blanked are removed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.anonymize.errors import AnonymizationError


@dataclass(frozen=True)
class CellSuppression:
    """The published rows and what it cost: blanked cells per column, records removed."""

    frame: pl.DataFrame
    cells: dict[str, int]
    removed: int


def identifying_order(frame: pl.DataFrame, qis: Sequence[str]) -> list[str]:
    """QIs by distinct values, most first: blanking those splits the fewest classes apart."""
    return sorted(qis, key=lambda c: (-frame[c].n_unique(), list(qis).index(c)))


def suppress_cells(
    frame: pl.DataFrame,
    qis: Sequence[str],
    k: int,
    *,
    order: Sequence[str] | None = None,
    token: str = "*",
) -> CellSuppression:
    """Blank cells of records in classes smaller than k (QIs compared as text), round by
    round: in round r every still-failing record that has r blanks loses the cell of
    ``order[r]``. Records in classes of k or more are never touched, so they stay as they
    are; the records left failing after the last round all read ``token`` everywhere and
    form one class, removed if it holds fewer than k.

    >>> f = pl.DataFrame({"a": ["x", "x", "y", "z"], "b": ["1", "1", "1", "1"]})
    >>> out = suppress_cells(f, ["a", "b"], 2)
    >>> out.frame["a"].to_list(), out.cells
    (['x', 'x', '*', '*'], {'a': 2, 'b': 0})
    """
    if k < 1:
        raise AnonymizationError(f"k must be at least 1, got {k}")
    missing = [c for c in qis if c not in frame.columns]
    if missing:
        raise AnonymizationError(f"quasi-identifiers {missing} are not columns of the data")
    order = list(order) if order is not None else identifying_order(frame, qis)
    if sorted(order) != sorted(qis):
        raise AnonymizationError(f"order {order} must list each quasi-identifier once")
    out = frame.with_columns(pl.col(c).cast(pl.String) for c in qis)
    blanks = np.zeros(out.height, dtype=np.int64)
    cells = dict.fromkeys(qis, 0)
    for round_, column in enumerate(order):
        failing = _failing(out, list(qis), k)
        chosen = failing & (blanks == round_)
        if not chosen.any():
            break
        cells[column] = int(chosen.sum())
        out = out.with_columns(
            pl.when(pl.Series(chosen)).then(pl.lit(token)).otherwise(pl.col(column)).alias(column)
        )
        blanks += chosen
    failing = _failing(out, list(qis), k)
    return CellSuppression(out.filter(~pl.Series(failing)), cells, int(failing.sum()))


def _failing(frame: pl.DataFrame, qis: list[str], k: int) -> np.ndarray:
    return (frame.select(pl.len().over(qis)).to_series() < k).to_numpy()
