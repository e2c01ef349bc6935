"""What a release reveals about the resources it draws on: its disclosure footprint.

A release that is safe alone can be unsafe beside another (two tables whose suppressions differ,
a verified attribute a microdata release then links on, an exact count that makes a noisy one
moot), so every product kind states what it publishes in these terms, and releases of one
resource can be judged together.

>>> spend = BudgetSpend("insured", epsilon=1.0, delta=1e-6, mechanism="laplace")
>>> Footprint("insured_dp", (spend,)).resources
('insured',)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from transforms.linkage.cells import cell_reveals
from transforms.linkage.known import Knowledge


@dataclass(frozen=True)
class Statistic:
    """One published statistic of a cell: its column, how it aggregates, and from what."""

    name: str
    aggregate: str
    column: str | None = None


@dataclass(frozen=True)
class CellTable:
    """Cells of an aggregated release of one resource: each keyed by dimensions, with its
    statistics, suppressed cells (and totals over `margin`) included."""

    resource: str
    dimensions: tuple[tuple[str, str], ...]
    """(source column, published column) pairs."""
    statistics: tuple[Statistic, ...]
    cells: pl.DataFrame = field(repr=False)
    suppressed: str | None = None
    """Column flagging cells published without their values."""
    margin: str | None = None
    """Column naming the dimensions a total row sums over."""
    exact: bool = True
    """False when the values carry noise (differential privacy)."""
    min_group_size: int | None = None
    truth: pl.DataFrame | None = field(default=None, repr=False)
    """Exact values of every row's statistics (suppressed ones included), row for row with
    `cells`; kept inside the domain so later releases are audited against this one."""
    basis: str = ""
    """Which rows the cells were counted from (the resource's content and de-identification,
    and any contribution bounding): only cells of one basis add up with each other."""
    width: float = 0.0
    """Protection width: how wide a reader's range for a suppressed cell must stay."""
    subject: bool = True
    """False when each row is a person (no subject column): row counts count people."""
    scope: str | None = None
    """A filter the statistics are restricted to (their rows are a subset of the resource's)."""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The same filter as (column, values kept) pairs."""

    @property
    def reveals(self) -> tuple[Knowledge, ...]:
        """Exact cells let readers of the resource's records tell them apart by the columns
        they group and aggregate; noisy cells (differential privacy) bound what any tells."""
        if not self.exact:
            return ()
        stats = [(s.aggregate, s.column) for s in self.statistics]
        dims = [source for source, _ in self.dimensions]
        return tuple(cell_reveals(dims, stats, self.filters))


@dataclass(frozen=True)
class QuasiIdentifierLevel:
    """How coarsely a record-level release shows one quasi-identifier."""

    column: str
    level: int
    top_level: int
    levels_used: tuple[int, ...] = ()
    """Levels rows were refined to by local recoding (empty when every row has `level`)."""


@dataclass(frozen=True)
class RecordSet:
    """Records of one resource: generalised quasi-identifiers and columns published as they
    are, which an attacker holding other releases may link on."""

    resource: str
    quasi_identifiers: tuple[QuasiIdentifierLevel, ...]
    columns: tuple[str, ...]
    rows: int
    threshold: float | None = None
    """The highest re-identification risk the release promises a record (1/k)."""

    @property
    def reveals(self) -> tuple[Knowledge, ...]:
        """Columns published as they are tell each record's value exactly."""
        return tuple(Knowledge(c, "exact") for c in self.columns)

    @property
    def published_exactly(self) -> tuple[str, ...]:
        """Columns every record shows as they are: those published beside the
        quasi-identifiers, and quasi-identifiers at level 0 in every row (local recoding may
        lift some rows); a table whose cells these key tells none of its records apart."""
        flat = [
            q.column for q in self.quasi_identifiers if q.level == 0 and set(q.levels_used) <= {0}
        ]
        return (*flat, *self.columns)


@dataclass(frozen=True)
class ClaimService:
    """Claims a verification service answers about one resource: the identifier and the
    columns each claim type reads, answered only by the listed statuses."""

    resource: str
    identifier: str
    claims: tuple[tuple[str, tuple[str, ...]], ...]
    answers: tuple[str, ...]
    reveals: tuple[Knowledge, ...] = ()
    """What answers tell about a person, column by column, and how coarsely."""


@dataclass(frozen=True)
class BudgetSpend:
    """Privacy loss a differentially private release spends from its resource's budget."""

    resource: str
    epsilon: float
    delta: float
    mechanism: str


Part = CellTable | RecordSet | ClaimService | BudgetSpend


@dataclass(frozen=True)
class Footprint:
    """Everything one product version reveals, part by part."""

    product: str
    parts: tuple[Part, ...]

    @property
    def resources(self) -> tuple[str, ...]:
        """The resources it reveals something about, in first-mention order."""
        return tuple(dict.fromkeys(p.resource for p in self.parts))
