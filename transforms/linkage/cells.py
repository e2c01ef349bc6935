"""What an aggregated table tells the readers of a record-level release of the same resource.

A table of cells (people by district and month, with the mean satisfaction of each) says,
for each cell, how the values of a column spread over the people in it: exactly when the
column is a dimension, as a constraint when it is summed, averaged or its median given.
A reader who also holds records that publish that column beside coarser quasi-identifiers
can then tell records of one class apart by the cell they must lie in: in a class of 25
tickets, the ones whose satisfaction a cell of 6 tickets with mean 4.83 cannot hold are not
the target. Sluice takes the strict side and counts the column as known exactly to such a
reader, unless every class of the release lies within one cell: when the release publishes
every column that keys the cells exactly, the table is a sum over its classes and separates
none of their records.

>>> told = cell_reveals(["district", "month"], [("mean", "satisfaction"), ("count", None)])
>>> [(k.column, k.within) for k in told]
[('district', ('month',)), ('month', ('district',)), ('satisfaction', ('district', 'month'))]
>>> nested(told[2], {"district", "month"}), nested(told[2], {"district"})
(True, False)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from transforms.linkage.known import Knowledge

CONSTRAINING = ("sum", "mean", "median")
"""Statistics of a column that constrain which of a class's values a cell holds."""


def cell_reveals(
    dimensions: Sequence[str],
    statistics: Sequence[tuple[str, str | None]],
    filters: Sequence[tuple[str, Sequence[str]]] = (),
) -> list[Knowledge]:
    """Columns a table of exact cells lets its readers tell records apart by: its dimension
    columns, and the columns its sums, means and medians aggregate, each within the cells of
    the other dimensions; a column the cells are filtered on, up to whether a value is among
    those kept. `statistics` are (aggregate, column) pairs, `filters` (column, values kept).

    >>> kept = cell_reveals(["city"], [("count", None)], [("category", ["投诉"])])[1]
    >>> kept.describe()
    'category (told apart within cells of city)'
    """
    columns = list(dict.fromkeys(dimensions))
    columns += [c for agg, c in statistics if agg in CONSTRAINING and c and c not in columns]
    told = [Knowledge(c, "exact", within=_others(dimensions, c)) for c in columns]
    for column, values in filters:
        if column not in columns:
            kept = (tuple(str(v) for v in values),)
            told.append(Knowledge(column, "sets", sets=kept, within=_others(dimensions, column)))
    return told


def _others(dimensions: Sequence[str], column: str) -> tuple[str, ...]:
    return tuple(d for d in dict.fromkeys(dimensions) if d != column)


def nested(known: Knowledge, published_exactly: Collection[str]) -> bool:
    """True when a release that publishes `published_exactly` as they are (columns beside its
    quasi-identifiers, quasi-identifiers left at level 0) has every class within one of the
    cells `known` is learnt within: the cells then tell its readers nothing about which record
    is whose. Knowledge learnt person by person is never nested."""
    return known.within is not None and all(c in published_exactly for c in known.within)
