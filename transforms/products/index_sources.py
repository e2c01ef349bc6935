"""An index's indicators bound to their resources' de-identified rows, and the table they
compose: the part of building an index that does not depend on how it was declared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.products.index import (
    PERIOD,
    REGION,
    Aggregate,
    Component,
    compose_index,
    indicator_cells,
)


@dataclass(frozen=True)
class IndicatorSource:
    """One indicator: its part in the composite, its aggregate, and the rows it counts, with
    the expressions that give each row its region and period."""

    component: Component
    aggregate: Aggregate
    column: str | None
    frame: pl.LazyFrame
    region: pl.Expr
    period: pl.Expr
    where: pl.Expr | None = None
    subject: str | None = None


def index_table(
    sources: Sequence[IndicatorSource],
    *,
    min_group_size: int,
    normalisation: str,
    scale: float,
    periods: Sequence[int | str] | None = None,
    names: tuple[str, str] = (REGION, PERIOD),
    hidden: Mapping[str, set[tuple[object, object]]] | None = None,
) -> pl.DataFrame:
    """The published table: region, period, indicator values, scores, composite; only the
    given periods when some are named; region and period published under `names`; the
    (region, period) cells `hidden` names per indicator suppressed too."""
    cells = {}
    for s in sources:
        found = indicator_cells(
            s.frame, region=s.region, period=s.period, aggregate=s.aggregate,
            column=s.column, subject=s.subject, where=s.where,
        ).collect(engine="streaming")  # fmt: skip
        if periods is not None:
            found = found.filter(pl.col(PERIOD).is_in(list(periods)))
        cells[s.component.id] = found
    table = compose_index(
        cells,
        [s.component for s in sources],
        min_group_size=min_group_size,
        normalisation=normalisation,  # type: ignore[arg-type]
        scale=scale,
        hidden=hidden,
    )
    return table.rename({REGION: names[0], PERIOD: names[1]})
