"""A model spec bound to the core's terms: dimensions and statistics, contribution bounding,
where each published column comes from, and what the cells reveal."""

from __future__ import annotations

import polars as pl

from flows.kinds.base import Declared, Job, product_use, with_subject
from flows.kinds.linked import basis
from flows.kinds.model.spec import AggregateSpec
from governance.authorization.scope import Use
from governance.policy.models import Policy
from transforms.egress import Origin
from transforms.footprint import CellTable, Statistic
from transforms.linked.truth import exact_values
from transforms.products.contribution import bound_contributions
from transforms.products.model import MARGIN, SUPPRESSED, Dim, Stat, tally_values


def aggregate_use(spec: AggregateSpec, declared: Declared) -> Use:
    """A model's columns, with the subject its cells count people by."""
    resource = declared.resources[0]
    columns = with_subject(spec.source_columns(), declared, resource)
    return product_use(spec, declared, {resource: columns})


def model_parts(spec: AggregateSpec) -> tuple[list[Dim], list[Stat]]:
    """Dimensions and statistics of a model product."""
    dims = [Dim(d.column, d.output) for d in spec.dimension_specs()]
    stats = [Stat(m.name, m.agg, m.column, m.round) for m in spec.measures]
    return dims, stats


def bounded(spec: AggregateSpec, frame: pl.LazyFrame, subject: str | None) -> pl.LazyFrame:
    """The rows after the product's contribution bounding (unchanged without one)."""
    bounds = spec.contribution
    if bounds is None:
        return frame
    return bound_contributions(
        frame, subject=subject, max_rows=bounds.max_rows_per_subject, bounds=bounds.bounds
    )


def model_lineage(policy: Policy, spec: AggregateSpec) -> dict[str, Origin]:
    """Where each published column of a model comes from, for the egress gate."""
    lineage: dict[str, Origin] = {}
    for d in spec.dimension_specs():
        col = policy.columns[d.column]
        lineage[d.output] = Origin("dimension", d.column, col.category, col.secret)
    for m in spec.measures:
        source = policy.columns[m.column] if m.column else None
        category, secret = (source.category, source.secret) if source else (None, False)
        lineage[m.name] = Origin("measure", m.column, category, secret)
    lineage[SUPPRESSED] = Origin("flag")
    if spec.margins:
        lineage[MARGIN] = Origin("flag")
    return lineage


def model_cells(
    spec: AggregateSpec,
    resource: str,
    table: pl.DataFrame,
    *,
    exact: bool,
    truth: pl.DataFrame | None = None,
    basis: str = "",
    subject: bool = True,
) -> CellTable:
    """The cells a model publishes, suppressed ones and totals included."""
    return CellTable(
        resource=resource,
        dimensions=tuple((d.column, d.output) for d in spec.dimension_specs()),
        statistics=tuple(Statistic(m.name, m.agg, m.column) for m in spec.measures),
        cells=table,
        suppressed=SUPPRESSED if SUPPRESSED in table.columns else None,
        margin=MARGIN if spec.margins else None,
        exact=exact,
        min_group_size=spec.min_group_size if exact else None,
        truth=truth,
        basis=basis,
        width=float(spec.width()),
        subject=subject,
    )


def counted_cells(
    job: Job[AggregateSpec], table: pl.DataFrame, tally: pl.DataFrame | None = None
) -> CellTable:
    """A model's published table with the exact value of every row, read from the model's
    tally or recounted from the rows it was built from (inside the domain), on the basis the
    ledger links it by."""
    spec, prepared = job.spec, job.prepared
    cells = model_cells(spec, prepared.resource, table, exact=True)
    if tally is not None:
        truth = tally_values(
            table, tally, keys=[out for _, out in cells.dimensions], margin=cells.margin,
            statistics=[(s.name, s.aggregate) for s in cells.statistics],
        )  # fmt: skip
    else:
        truth = exact_values(
            table, bounded(spec, prepared.frame(), prepared.subject), dims=cells.dimensions,
            statistics=cells.statistics, subject=prepared.subject, margin=cells.margin,
        )  # fmt: skip
    contribution = spec.contribution.model_dump(mode="json") if spec.contribution else None
    return model_cells(
        spec, prepared.resource, table, exact=True, truth=truth,
        basis=basis(job, prepared.resource, contribution=contribution),
        subject=prepared.subject is not None,
    )  # fmt: skip


def describe_cells(spec: AggregateSpec) -> str:
    """What a model publishes per cell, for plans."""
    dims = ", ".join(d.output for d in spec.dimension_specs())
    stats = ", ".join(f"{m.name}={m.agg}({m.column or ''})" for m in spec.measures)
    return f"by {dims}: {stats}"
