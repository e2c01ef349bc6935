"""A model's tally (every cell at every level counted once from the de-identified rows), kept
for the build: the table, the exact values the release ledger keeps and the gate's recount all
read it, so the rows are aggregated once, not once for each of them.

The gate takes the tally from here, never from what the kind's build returns: a build that
returned other counts than the rows give would not change what the gate checks against."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import polars as pl

from flows.files.streaming import streaming
from flows.kinds.base import Job
from flows.kinds.model.binding import bounded, model_parts
from flows.kinds.model.spec import ModelProduct
from transforms.products.model import tally_model

_KEPT = 8
_tallies: OrderedDict[tuple[object, ...], pl.DataFrame] = OrderedDict()
_freed: set[int] = set()
"""Ids of prepared resources gone (their tallies are dropped before the id can be reused)."""
_lock = threading.Lock()


def model_tally(job: Job[ModelProduct]) -> pl.DataFrame | None:
    """The model's tally (`tally_model`), people by the hash de-identification computed; None
    when the table is merged from the parts the engine prepared. Counted once per preparation
    (the prepared resource itself, while it lives, and its file as written) and spec: a
    resource prepared again, or its file written again, is counted again."""
    spec, prepared = job.spec, job.prepared
    if prepared.parts is not None and spec.contribution is None:
        return None
    written = prepared.path.stat()
    file = (str(prepared.path), written.st_ino, written.st_mtime_ns, written.st_size)
    key = (id(prepared), *file, spec.model_dump_json())
    with _lock:
        _drop_freed()
        if key in _tallies:
            _tallies.move_to_end(key)
            return _tallies[key]
    dims, stats = model_parts(spec)
    frame, hashed = prepared.hashed()
    with streaming():
        tally = tally_model(
            bounded(spec, frame, prepared.subject), dims=dims, stats=stats,
            subject=prepared.subject, subject_hash=hashed, margins=spec.margins,
        )  # fmt: skip
    with _lock:
        if not any(k[0] == id(prepared) for k in _tallies):  # an id is reused once freed
            weakref.finalize(prepared, _freed.add, id(prepared))
        _tallies[key] = tally
        while len(_tallies) > _KEPT:
            _tallies.popitem(last=False)
    return tally


def _drop_freed() -> None:
    """Called with the lock held; a finalizer only adds to `_freed`, so it never waits on it."""
    while _freed:
        gone = _freed.pop()
        for key in [k for k in _tallies if k[0] == gone]:
            del _tallies[key]
