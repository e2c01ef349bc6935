"""Sensitive-value counts per group, carried through the search so l-diversity and t-closeness
are judged on the same equivalence classes as k, at every node, without touching the rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.anonymize.errors import AnonymizationError

#: Largest (group, value) space counted densely, per counted entry.
_DENSE_FACTOR = 8


@dataclass(frozen=True)
class SensitiveCounts:
    """Sparse table of how many rows of each group carry each sensitive value: one entry per
    (group, value) present, sorted by group then value. Value codes follow the column's sort
    order (nulls last), which is the order ordered t-closeness measures distance in."""

    group: np.ndarray
    value: np.ndarray
    count: np.ndarray
    values: int

    def distribution(self) -> np.ndarray:
        """Share of each value over all groups: the table's distribution, since the groups
        partition every row (published or suppressed)."""
        totals = np.bincount(self.value, weights=self.count, minlength=self.values)
        return totals / totals.sum()

    def regroup(self, inverse: np.ndarray) -> SensitiveCounts:
        """Counts of the merged groups, where old group g becomes ``inverse[g]``."""
        key = inverse[self.group].astype(np.int64) * self.values + self.value
        space = (int(inverse.max()) + 1 if len(inverse) else 0) * self.values
        if space <= _DENSE_FACTOR * len(key) + 1024:
            # a small (group, value) space: count densely, already in sorted order, no sort
            totals = np.bincount(key, weights=self.count, minlength=space)
            unique = np.flatnonzero(totals)
            total = totals[unique].astype(np.int64)
        else:
            unique, position = np.unique(key, return_inverse=True)
            total = np.bincount(position, weights=self.count).astype(np.int64)
        return SensitiveCounts(unique // self.values, unique % self.values, total, self.values)

    def distinct(self, groups: int) -> np.ndarray:
        """Distinct values per group."""
        return np.bincount(self.group, minlength=groups)


def sensitive_codes(frame: pl.DataFrame, column: str) -> tuple[pl.Expr, int]:
    """An expression coding ``column`` densely in sort order (nulls last) and the code count."""
    if column not in frame.columns:
        raise AnonymizationError(
            f"sensitive attribute '{column}' is not a column of the data "
            f"(columns: {', '.join(frame.columns)})"
        )
    series = frame[column]
    present = series.n_unique() - (1 if series.null_count() else 0)
    code = pl.col(column).rank("dense").cast(pl.Int64) - 1
    values = present + (1 if series.null_count() else 0)
    return pl.when(pl.col(column).is_null()).then(present).otherwise(code).alias(column), values


def count_sensitive(
    codes: pl.DataFrame,
    qis: list[str],
    column: str,
    values: int,
    combos: pl.DataFrame,
    weight: str | None = None,
) -> SensitiveCounts:
    """Counts per distinct QI combination (``combos`` carries the combination index ``_combo``)
    and sensitive code, from a frame of integer codes (each row counting ``weight`` rows when
    given, as in a table of class counts)."""
    grouped = codes.group_by([*qis, column])
    counted = grouped.agg(pl.col(weight).sum().alias("len")) if weight else grouped.len()
    pairs = counted.join(combos, on=qis).sort("_combo", column)
    return SensitiveCounts(
        pairs["_combo"].to_numpy().astype(np.int64),
        pairs[column].to_numpy().astype(np.int64),
        pairs["len"].to_numpy().astype(np.int64),
        values,
    )
