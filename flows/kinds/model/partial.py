"""A model's table from partial aggregates, when the engine prepared its resource in parts:
each part aggregated where it is, the partials merged here (transforms/products/partial_model.py).

A product that bounds each person's contribution needs all of a person's rows together, which
parts split by row do not give; it is built from the merged parts in this process."""

from __future__ import annotations

from functools import partial

import polars as pl

from flows.kinds.base import Job
from flows.kinds.model.binding import bounded, model_parts
from flows.kinds.model.spec import ModelProduct
from transforms.products.model import build_model
from transforms.products.partial_model import merge_model, partial_model


def model_plan(job: Job[ModelProduct]) -> pl.LazyFrame:
    """The plan of the model's table, before margins are protected."""
    spec, prepared = job.spec, job.prepared
    dims, stats = model_parts(spec)
    shape = {"dims": dims, "stats": stats, "subject": prepared.subject, "margins": spec.margins}
    if prepared.parts is None or spec.contribution is not None:
        frame = bounded(spec, prepared.frame(), prepared.subject)
        return build_model(frame, min_group_size=spec.min_group_size, **shape)
    columns = [d.column for d in dims] + [s.column for s in stats if s.column]
    columns += [prepared.subject] if prepared.subject else []
    found = prepared.parts.map(partial(partial_model, **shape), columns, f"aggregate {spec.id}")
    return merge_model(found, min_group_size=spec.min_group_size, **shape)
