"""A model's table from its tally (tally.py: every cell counted once from the rows), or from
partial aggregates, when the engine prepared its resource in parts: each part aggregated where
it is, the partials merged here (transforms/products/partial_model.py).

A product that bounds each person's contribution needs all of a person's rows together, which
parts split by row do not give; it is built from the merged parts in this process."""

from __future__ import annotations

from functools import partial

import polars as pl

from flows.kinds.base import Job
from flows.kinds.model.binding import model_parts
from flows.kinds.model.spec import ModelProduct
from flows.kinds.model.tally import model_tally
from transforms.products.model import model_from_tally
from transforms.products.partial_model import merge_model, partial_model


def model_plan(job: Job[ModelProduct], tally: pl.DataFrame | None = None) -> pl.LazyFrame:
    """The plan of the model's table, before margins are protected: from its tally (counted
    here unless given), or merged from the parts' partial aggregates."""
    spec, prepared = job.spec, job.prepared
    dims, stats = model_parts(spec)
    tally = model_tally(job) if tally is None else tally
    if tally is not None:
        return model_from_tally(
            tally, dims=dims, stats=stats, min_group_size=spec.min_group_size,
            margins=spec.margins,
        )  # fmt: skip
    shape = {"dims": dims, "stats": stats, "subject": prepared.subject, "margins": spec.margins}
    columns = [d.column for d in dims] + [s.column for s in stats if s.column]
    columns += [prepared.subject] if prepared.subject else []
    found = prepared.parts.map(partial(partial_model, **shape), columns, f"aggregate {spec.id}")
    return merge_model(found, min_group_size=spec.min_group_size, **shape)
