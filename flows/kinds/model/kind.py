"""The data model kind: group, aggregate, suppress every cell below `min_group_size` people
(and, with totals, every cell a total would give away); the gate recounts every cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from flows.files.streaming import streaming
from flows.kinds.base import (
    Declared,
    GateRequest,
    Job,
    ProductKind,
    written,
)
from flows.kinds.linkage import refuse_if_exposing
from flows.kinds.linked import linked_rule, protect
from flows.kinds.model.binding import (
    aggregate_use,
    counted_cells,
    describe_cells,
    model_lineage,
    model_parts,
)
from flows.kinds.model.partial import model_plan
from flows.kinds.model.spec import ModelProduct
from flows.kinds.model.tally import model_tally
from governance.authorization.scope import Use
from transforms.egress import CellRule, Release
from transforms.footprint import CellTable, Footprint
from transforms.products.model import (
    CELL_SUBJECTS,
    LEVEL,
    MARGIN,
    SUPPRESSED,
    hide_rows,
    protect_margins,
    show_rows,
)
from transforms.products.secondary import showable


@dataclass(frozen=True)
class ModelTable:
    """A model's published table, suppressed cells flagged, with its exact cells (inside the
    domain, for the release ledger)."""

    table: pl.DataFrame
    cells: CellTable


class ModelKind(ProductKind[ModelProduct, ModelTable]):
    name = "model"
    spec = ModelProduct

    def selects(self, raw: Mapping[str, Any] | ModelProduct) -> bool:
        return written(raw, "differential_privacy") is None

    def use(self, spec: ModelProduct, declared: Declared) -> Use:
        return aggregate_use(spec, declared)

    def describe(self, spec: ModelProduct) -> str:
        return f"{describe_cells(spec)}; cells < {spec.min_group_size} people suppressed"

    def build(self, job: Job[ModelProduct]) -> ModelTable:
        spec = job.spec
        refuse_if_exposing(job, "cells", "model")
        dims, stats = model_parts(spec)
        tally = model_tally(job)
        with streaming():
            table = model_plan(job, tally).collect(engine="streaming")
        unsuppressed = table
        if spec.margins:
            table = protect_margins(table, dims=[d.output for d in dims], stats=stats)
        cells = counted_cells(job, table, tally)
        pattern = protect(job, [cells])
        hide, show = pattern.hide.get(0, set()), pattern.show.get(0, set())
        if spec.margins and show:  # the table alone still hides what it hides
            hidden = set(table.with_row_index().filter(SUPPRESSED)["index"]) | hide
            keys = [d.output for d in dims]
            show = showable(table, keys, margin=MARGIN, hidden=hidden, rows=show)
        table = show_rows(table, unsuppressed, show, stats)
        table = hide_rows(table, hide, stats)
        return ModelTable(table, replace(cells, cells=table))

    def gate(self, job: Job[ModelProduct], built: ModelTable) -> GateRequest:
        spec, prepared = job.spec, job.prepared
        dims, _ = model_parts(spec)
        tally = model_tally(job)  # counted from the rows, not taken from `built`
        counts = None
        if tally is not None:
            counts = tally.select(*(d.output for d in dims), LEVEL, CELL_SUBJECTS)
        cells = CellRule(
            source=prepared.frame(),
            dims=[(d.column, d.output) for d in dims],
            min_group_size=spec.min_group_size,
            subject=prepared.subject,
            margin=MARGIN if spec.margins else None,
            counts=counts,
        )
        linked = linked_rule(job, lambda frame: [counted_cells(job, frame, tally)])
        return GateRequest(built.table, model_lineage(job.policy, spec), [cells, linked])

    def footprint(self, job: Job[ModelProduct], built: ModelTable, cleared: Release) -> Footprint:
        return Footprint(job.spec.id, (replace(built.cells, cells=cleared.frame),))
