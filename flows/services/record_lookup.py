"""Finding a record of a resource by a key column and value, in the delivery now held, read
as the build reads it (staged inside the domain, every encoding), for an objection (异议). The
key value is personal data: it is compared inside the domain and never written out."""

from __future__ import annotations

import shutil

import polars as pl

from flows.files.ingest import file_sha256, require_file, stage
from flows.settings import Paths
from governance.policy.load import LoadedPolicy
from transforms.validation import LINE


def record_lines(loaded: LoadedPolicy, paths: Paths, key_column: str, key_value: str) -> list[int]:
    """The lines of the delivery whose `key_column` holds `key_value` (none: an empty list)."""
    resource = loaded.policy.resource
    work = paths.work / f"objection-{resource.id}"
    try:
        staged = stage(resource, paths.source(resource.source), list(loaded.policy.columns), work)
        frame = staged.scan()
        if LINE not in frame.collect_schema().names():
            frame = frame.with_row_index(LINE, offset=1)
        hits = frame.filter(pl.col(key_column).cast(pl.String) == key_value).select(LINE)
        return hits.collect()[LINE].cast(pl.Int64).to_list()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def delivery_sha256(loaded: LoadedPolicy, paths: Paths) -> str:
    """The content hash of the delivery now held, as manifests record it."""
    source = paths.source(loaded.policy.resource.source)
    require_file(source, f"source file of resource '{loaded.policy.resource.id}'")
    return file_sha256(source)
