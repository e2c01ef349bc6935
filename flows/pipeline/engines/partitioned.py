"""A resource prepared in partitions on a Dask cluster, everything that judges it kept in the
domain process: the file is checked and split here, each part is read, validated and
de-identified on a worker (one Parquet file each, work/<resource>/deidentified/), and the
parts' rejected rows, counts and line accounts come back here to be merged into one
quarantine file, one admission decision and one audit record, as the local engine makes them.

Keys are loaded (and created, recorded and audited) here. Their bytes and the raw rows go to
the workers only when the cluster is inside the domain; for a cluster outside it, the parts
are prepared in this process and only de-identified rows of passing records go out, for the
products' partial aggregates."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from flows.files.ingest import QUARANTINE_SCHEMA, Staged, inspect_csv, require_file, stage
from flows.files.lines import LineAccount
from flows.files.partitions import csv_partitions, parquet_partitions
from flows.kinds import Prepared
from flows.pipeline import prepare
from flows.pipeline.admission import Intake, admit, previous_rows
from flows.pipeline.binding import treatments
from flows.pipeline.engines.cluster import Cluster
from flows.pipeline.engines.part import PartJob, PartResult, SourceFacts, prepare_part
from flows.pipeline.prepare import _write_quarantine
from flows.settings import Paths
from governance.policy.load import LoadedPolicy
from transforms.validation import LINE, OK

R = TypeVar("R")


def prepare_partitioned(
    loaded: LoadedPolicy, paths: Paths, load_key: prepare.KeyLoader, cluster: Cluster
) -> Prepared:
    """The resource de-identified in parts; the same Prepared as the local engine's, its
    path the folder of parts."""
    resource = loaded.policy.resource
    source = paths.source(resource.source)
    require_file(source, f"source file of resource '{resource.id}'")
    work = paths.work / resource.id
    for leftover in ("deidentified", "staged"):  # parts of an earlier build must not be read
        shutil.rmtree(work / leftover, ignore_errors=True)
    facts, parts = _split(loaded, source, work, cluster)
    keys, corrections = _keys(loaded, load_key), prepare.fixes(loaded, paths)
    jobs = [PartJob(loaded, facts, part, keys, corrections, work) for part in parts]
    name = f"prepare {resource.id}"
    if cluster.inside_domain:
        results = cluster.map(prepare_part, jobs, name)
    else:  # raw rows and keys stay in this process
        results = [prepare_part(job) for job in jobs]
    return _merged(loaded, paths, facts, results, cluster, corrections)


def _split(
    loaded: LoadedPolicy, source: Path, work: Path, cluster: Cluster
) -> tuple[SourceFacts, list[Any]]:
    """Check the whole file as the local engine does (damage, encoding, header), then split it."""
    resource, columns = loaded.policy.resource, list(loaded.policy.columns)
    parts = cluster.choice.parts(source.stat().st_size)
    if resource.format == "parquet":
        staged = stage(resource, source, columns, work)
        facts = SourceFacts(source, staged.sha256, None, columns, b"", False, staged.rows)
        return facts, parquet_partitions(source, parts)
    checked, encoding, header = inspect_csv(resource, source, columns)
    with source.open("rb") as handle:
        header_bytes = handle.readline()
    facts = SourceFacts(
        source, checked.sha256, encoding, header, header_bytes, checked.quoted,
        max(checked.lines - 1, 0),
    )  # fmt: skip
    return facts, csv_partitions(source, resource.delimiter, checked.quoted, parts)


def _keys(loaded: LoadedPolicy, load_key: prepare.KeyLoader) -> dict[str, bytes]:
    """The keys the resource's treatments and subject pseudonym use, by name, loaded here."""
    keys: dict[str, bytes] = {}

    def kept(key_id: str) -> bytes:
        keys[key_id] = load_key(key_id)
        return keys[key_id]

    treatments(loaded.policy, kept)
    if loaded.policy.resource.subject:
        kept("default")
    return keys


def _merged(
    loaded: LoadedPolicy,
    paths: Paths,
    facts: SourceFacts,
    results: Sequence[PartResult],
    cluster: Cluster,
    corrections: list[prepare.Fix],
) -> Prepared:
    """One quarantine, one admission and one Prepared from the parts' results."""
    resource = loaded.policy.resource
    parsed = pl.concat([r.parse_rejected for r in results])
    rejected = pl.concat([r.rejected for r in results])
    quarantine = pl.concat([parsed, rejected]).select(QUARANTINE_SCHEMA.keys()).sort("line")
    qfile = _write_quarantine(paths, resource.id, facts.sha256, quarantine)
    read = sum(r.read for r in results)
    rows = sum(r.written for r in results) - rejected.height
    inputs = [
        {
            "path": str(Path(resource.source)),
            "sha256": facts.sha256,
            "encoding": facts.encoding,
            "rows_read": read,
            "rows_quarantined": quarantine.height,
        }
    ]
    intake = Intake(
        facts.source, read, quarantine.height, rows, qfile, _lines(facts, results), parsed.height
    )
    admit(resource, intake, previous_rows(paths, resource.id))
    folder = paths.work / resource.id / "deidentified"
    internal = [LINE, OK]
    validated = prepare.validate(loaded, _staged(facts, paths, resource.id), corrections)
    files = tuple(r.path for r in results)
    return Prepared(
        resource.id, inputs, folder, results[0].subject, internal, rows, quarantine.height,
        qfile, validated.frame.filter(pl.col(OK)), Parts(files, internal, cluster),
    )  # fmt: skip


def _lines(facts: SourceFacts, results: Sequence[PartResult]) -> LineAccount | None:
    """The file's line account from its parts': the lines on file against the lines all
    records account for, and the widest rejected record of any part."""
    accounts = [r.lines for r in results if r.lines is not None]
    if facts.encoding is None or not accounts:
        return None
    widest = max(
        (a.widest for a in accounts if a.widest), key=lambda w: (w[1], -w[0]), default=None
    )
    return LineAccount(facts.lines, sum(a.read for a in accounts), widest)


def _staged(facts: SourceFacts, paths: Paths, resource: str) -> Staged:
    """The rows as staged, for what keys rows before de-identification (verification)."""
    empty = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    path = facts.source if facts.encoding is None else paths.work / resource / "staged"
    return Staged(facts.source, facts.sha256, facts.encoding, path, 0, empty)


@dataclass(frozen=True)
class Parts:
    """A resource's de-identified parts, and the cluster that computes over them: each part
    read on a worker inside the domain, or (for a cluster outside it) read here and sent as
    the passing rows' de-identified columns alone."""

    files: tuple[Path, ...]
    internal: list[str]
    cluster: Cluster

    def map(self, fn: Callable[[pl.LazyFrame], R], columns: Sequence[str], name: str) -> list[R]:
        """`fn` of every part's passing rows (only `columns`), results in the parts' order."""
        wanted = list(dict.fromkeys(columns))
        if self.cluster.inside_domain:
            items: list[Any] = list(self.files)
        else:
            items = [_passing(pl.scan_parquet(f), wanted).collect() for f in self.files]
        return self.cluster.map(_OnPart(fn, wanted), items, name)


@dataclass(frozen=True)
class _OnPart:
    """`fn` of one part, given as its file (read on the worker) or as its rows."""

    fn: Callable[[pl.LazyFrame], Any]
    columns: list[str]

    def __call__(self, part: Path | pl.DataFrame) -> Any:
        frame = part.lazy() if isinstance(part, pl.DataFrame) else pl.scan_parquet(part)
        return self.fn(_passing(frame, self.columns))


def _passing(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    if OK in frame.collect_schema().names():
        frame = frame.filter(pl.col(OK))
    return frame.select(columns)
