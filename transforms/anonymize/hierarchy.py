"""Value hierarchies: how each quasi-identifier value is coarsened, level by level."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from transforms.anonymize.errors import AnonymizationError


@dataclass(frozen=True)
class Hierarchy:
    """One column's generalisation levels; level 0 maps every value to itself.

    Each level maps an original value straight to its generalised value, so a level need not
    be a function of the previous one (ARX accepts such hierarchies too).

    >>> h = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
    >>> h.height, h.generalize("F", 1)
    (1, '*')
    """

    column: str
    levels: list[dict[str, str]] = field(repr=False)

    def __post_init__(self) -> None:
        if not self.levels:
            raise AnonymizationError(f"hierarchy for '{self.column}' has no levels")
        values = set(self.levels[0])
        for number, level in enumerate(self.levels):
            if set(level) != values:
                raise AnonymizationError(
                    f"hierarchy for '{self.column}': level {number} does not cover the same "
                    "values as level 0"
                )

    @property
    def height(self) -> int:
        """Highest level index: the lattice runs over 0..height for this column."""
        return len(self.levels) - 1

    @property
    def values(self) -> list[str]:
        """Original values in file order (this order fixes the integer codes)."""
        return list(self.levels[0])

    def generalize(self, value: str, level: int) -> str:
        """The value shown at ``level`` for an original value."""
        return self.levels[level][value]


def from_rows(column: str, rows: Iterable[list[str]], *, source: str = "") -> Hierarchy:
    """Build a hierarchy from ARX-style rows (value, level 1, ..., top), checking their shape."""
    where = f" in {source}" if source else ""
    width: int | None = None
    levels: list[dict[str, str]] = []
    for number, row in enumerate(rows, start=1):
        if not row or all(cell == "" for cell in row):
            continue
        if width is None:
            width = len(row)
            levels = [{} for _ in range(width)]
        elif len(row) != width:
            raise AnonymizationError(
                f"hierarchy for '{column}'{where}: row {number} has {len(row)} levels, "
                f"the first row has {width}; every row needs the same number of levels"
            )
        value = row[0]
        if value in levels[0]:
            raise AnonymizationError(
                f"hierarchy for '{column}'{where}: value '{value}' appears twice (row {number})"
            )
        for level, cell in zip(levels, row, strict=True):
            level[value] = cell
    if width is None:
        raise AnonymizationError(f"hierarchy for '{column}'{where} is empty")
    return Hierarchy(column, levels)


def load_hierarchy(path: str | Path, column: str, sep: str = ";") -> Hierarchy:
    """Read an ARX hierarchy CSV: one row per value, one column per level, level 0 first."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=sep))
    return from_rows(column, rows, source=str(path))


def missing_values(hierarchy: Hierarchy, values: Iterable[object]) -> list[str]:
    """Data values the hierarchy cannot generalise, sorted, so the caller can name them all.

    >>> missing_values(Hierarchy("sex", [{"M": "M"}]), ["M", "F", None])
    ['F', 'null']
    """
    known: Mapping[str, str] = hierarchy.levels[0]
    return sorted(
        {"null" if v is None else str(v) for v in values if v is None or str(v) not in known}
    )
