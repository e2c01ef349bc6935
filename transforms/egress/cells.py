"""The gate's rule for aggregated tables (models): every published cell covers at least
`min_group_size` people, recounted from the de-identified source at every level of totals, and
no suppressed row follows from the published rows and totals.

The people of a cell come from the rows, never from the release: either counted here from the
source, or read from the count of every cell the build took of the rows once (the model's
tally, which the release's flags and values are not taken from), matched to each published
row by its dimension values and level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from transforms.gate_check import Check, Origin
from transforms.products.model import CELL_SUBJECTS, LEVEL
from transforms.products.secondary import determined, equations


@dataclass(frozen=True)
class CellRule:
    """Minimum group size of an aggregated release, recounted from the de-identified source."""

    source: pl.LazyFrame
    dims: Sequence[tuple[str, str]]
    """(source column, output column) pairs that identify a cell."""
    min_group_size: int
    subject: str | None = None
    """Column whose distinct values are the people; without one, each row is a person."""
    suppressed: str = "suppressed"
    margin: str | None = None
    """Column naming the dimensions a total row sums over (null for cells), when the release
    publishes totals: each level is recounted, and no suppressed row may follow from the rest."""
    counts: pl.DataFrame | None = None
    """The people of every cell at every level, counted from the source rows once for the
    whole build (the output dimensions, `__level` naming a total's dimensions as `margin`
    does, null for cells, and `__cell_subjects`); without it the source is recounted here."""

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        found = [_min_group_size(frame, lineage, self)]
        if self.margin is not None:
            found.append(_no_differencing(frame, self))
        return found


def _recount(frame: pl.DataFrame, rule: CellRule) -> pl.DataFrame:
    """The published rows with their people recounted from the source (`__people`), each
    total row at its own level."""
    if rule.counts is not None:
        return _counted(frame, rule, rule.counts)
    # Hashed subjects: a collision can only merge two people, so the check can only get stricter.
    people = (pl.col(rule.subject).hash().n_unique() if rule.subject else pl.len()).cast(pl.Int64)
    levels = frame[rule.margin].unique().to_list() if rule.margin else [None]
    parts = []
    for level in levels:
        totalled = set(level.split(",")) if level else set()
        kept = [(src, out) for src, out in rule.dims if out not in totalled]
        rows = frame.filter(pl.col(rule.margin).eq_missing(level)) if rule.margin else frame
        source = rule.source.with_columns(pl.lit(0).alias("__all"))
        keys = [pl.col(src).alias(out) for src, out in kept] or [pl.col("__all")]
        recount = source.group_by(keys).agg(people.alias("__people")).collect(engine="streaming")
        on = [out for _, out in kept]
        if on:
            parts.append(rows.join(recount, on=on, how="left", nulls_equal=True))
        else:
            parts.append(rows.join(recount.drop("__all"), how="cross"))
    return pl.concat(parts, how="vertical_relaxed")


def _counted(frame: pl.DataFrame, rule: CellRule, counts: pl.DataFrame) -> pl.DataFrame:
    """The published rows with their people from the counts of the source's cells; a row no
    cell of its level matches gets none (and fails)."""
    level = pl.col(rule.margin) if rule.margin else pl.lit(None, dtype=pl.String)
    on = [out for _, out in rule.dims]
    people = counts.select(*on, LEVEL, pl.col(CELL_SUBJECTS).alias("__people"))
    rows = frame.with_columns(level.alias(LEVEL))
    return rows.join(people, on=[*on, LEVEL], how="left", nulls_equal=True).drop(LEVEL)


def _min_group_size(frame: pl.DataFrame, lineage: Mapping[str, Origin], rule: CellRule) -> Check:
    flag = pl.col(rule.suppressed) if rule.suppressed in frame.columns else pl.lit(False)
    published = _recount(frame.filter(~flag), rule)
    too_small = published.filter(
        pl.col("__people").is_null() | (pl.col("__people") < rule.min_group_size)
    )
    measures = [n for n, o in lineage.items() if o.role == "measure" and n in frame.columns]
    carries = pl.any_horizontal(pl.col(measures).is_not_null()) if measures else pl.lit(False)
    leaking = frame.filter(flag).filter(carries)
    smallest = published["__people"].min() if published.height else None
    figures = {
        "min_group_size": rule.min_group_size,
        "published_cells": published.height,
        "suppressed_cells": frame.height - published.height,
        "smallest_published_cell": smallest,
    }
    detail = []
    if too_small.height:
        detail.append(
            f"{too_small.height} published cell(s) cover fewer than {rule.min_group_size}"
        )
    if leaking.height:
        detail.append(f"{leaking.height} suppressed cell(s) still carry values")
    passed = not too_small.height and not leaking.height
    return Check("min_group_size", passed, figures, "; ".join(detail))


def _no_differencing(frame: pl.DataFrame, rule: CellRule) -> Check:
    """No suppressed row can be worked out from the published rows and totals (linear)."""
    dims = [out for _, out in rule.dims]
    system = equations(frame, dims, str(rule.margin))
    hidden = set(np.flatnonzero(frame[rule.suppressed].to_numpy()).tolist())
    pinned = determined(hidden, system)
    figures = {"equations": len(system), "suppressed_rows": len(hidden), "recoverable": len(pinned)}
    shown = [frame.row(r, named=True) for r in sorted(pinned)[:3]]
    detail = "; ".join(
        "row " + ", ".join(f"{d}={row[d]}" for d in dims) + " follows from the totals"
        for row in shown
    )
    return Check("no_differencing", not pinned, figures, detail)
