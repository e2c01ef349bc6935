"""The data model kind: group, aggregate, suppress every cell below `min_group_size` people
(and, with totals, every cell a total would give away); the gate recounts every cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from flows.kinds.model.binding import (
    aggregate_use,
    bounded,
    describe_cells,
    model_cells,
    model_lineage,
    model_parts,
)
from flows.kinds.model.spec import ModelProduct
from governance.authorization.scope import Use
from transforms.egress import CellRule, Release
from transforms.footprint import Footprint
from transforms.products.model import MARGIN, build_model, protect_margins


@dataclass(frozen=True)
class ModelTable:
    """A model's published table, suppressed cells flagged."""

    table: pl.DataFrame


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
        spec, prepared = job.spec, job.prepared
        dims, stats = model_parts(spec)
        plan = build_model(
            bounded(spec, prepared.frame(), prepared.subject),
            dims=dims,
            stats=stats,
            min_group_size=spec.min_group_size,
            subject=prepared.subject,
            margins=spec.margins,
        )
        with streaming():
            table = plan.collect(engine="streaming")
        if spec.margins:
            table = protect_margins(table, dims=[d.output for d in dims], stats=stats)
        return ModelTable(table)

    def gate(self, job: Job[ModelProduct], built: ModelTable) -> GateRequest:
        spec, prepared = job.spec, job.prepared
        dims, _ = model_parts(spec)
        cells = CellRule(
            source=prepared.frame(),
            dims=[(d.column, d.output) for d in dims],
            min_group_size=spec.min_group_size,
            subject=prepared.subject,
            margin=MARGIN if spec.margins else None,
        )
        return GateRequest(built.table, model_lineage(job.policy, spec), [cells])

    def footprint(self, job: Job[ModelProduct], built: ModelTable, cleared: Release) -> Footprint:
        cells = model_cells(job.spec, job.prepared.resource, cleared.frame, exact=True)
        return Footprint(job.spec.id, (cells,))
