"""One partition of a resource, prepared where it runs (a Dask worker inside the domain, or the
domain process): read -> validate -> de-identify, the same steps as the local engine, sunk to
one Parquet file per partition. Plain functions of picklable arguments, so a Prefect task and
a Dask future call the same code."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from flows.files.ingest import QUARANTINE_SCHEMA, Staged, read_csv_rows
from flows.files.lines import LineAccount, account
from flows.files.partitions import Partition
from flows.pipeline import prepare
from flows.pipeline.binding import treatments
from governance.policy.load import LoadedPolicy
from transforms.deidentify import deidentify as apply_treatments
from transforms.validation import LINE, OK, describe_rejected


@dataclass(frozen=True)
class SourceFacts:
    """What the domain process learnt of the whole file before splitting it."""

    source: Path
    sha256: str
    encoding: str | None
    header: list[str]
    header_bytes: bytes
    quoted: bool
    lines: int
    """Data lines on file (CSV) or rows (Parquet)."""


@dataclass(frozen=True)
class PartJob:
    """Everything one partition needs: the policy, the file's facts, its part, the keys the
    policy's treatments use (by name), the upheld corrections and where to write."""

    loaded: LoadedPolicy
    facts: SourceFacts
    part: Partition
    keys: dict[str, bytes] = field(repr=False)
    corrections: list[prepare.Fix]
    work: Path


@dataclass(frozen=True)
class PartResult:
    """What a partition gave: its de-identified file, rows read, its rejected rows (parse and
    validation, with line and reason) and its share of the line account (CSV)."""

    index: int
    path: Path
    read: int
    written: int
    parse_rejected: pl.DataFrame
    rejected: pl.DataFrame
    subject: str | None
    lines: LineAccount | None


@dataclass(frozen=True)
class _SlicedParquet(Staged):
    """Rows [start, stop) of a Parquet source, numbered from the file's first row."""

    part: Partition = field(default_factory=lambda: Partition(0, 0, 0, 1))

    def scan(self) -> pl.LazyFrame:
        part = self.part
        rows = pl.scan_parquet(self.path).slice(part.start, part.stop - part.start)
        return rows.with_row_index(LINE, offset=part.first)


def prepare_part(job: PartJob) -> PartResult:
    """Stage, validate and de-identify one partition into work/<resource>/deidentified/."""
    staged, counted = _stage(job)
    checked = prepare.validate(job.loaded, staged, job.corrections)
    resource = job.loaded.policy.resource
    deidentified = apply_treatments(
        checked.frame,
        treatments(job.loaded.policy, job.keys.__getitem__),
        subject=resource.subject,
        subject_key=job.keys.get("default") if resource.subject else None,
        keep=checked.passthrough,
    )
    folder = job.work / "deidentified"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{job.part.name}.parquet"
    deidentified.frame.sink_parquet(out, compression="lz4")
    failed = pl.scan_parquet(out).filter(~pl.col(OK)).select(LINE).collect()[LINE]
    bad_rows = checked.raw.filter(pl.col(LINE).is_in(failed.implode()))
    rejected = describe_rejected(bad_rows, checked.rules).collect()
    return PartResult(
        job.part.index, out, staged.rows + staged.rejected.height, pq.read_metadata(out).num_rows,
        staged.rejected, rejected.select(QUARANTINE_SCHEMA.keys()), deidentified.subject, counted,
    )  # fmt: skip


def _stage(job: PartJob) -> tuple[Staged, LineAccount | None]:
    """The partition's rows as the local engine stages them: CSV parsed behind the header line
    into work/<resource>/staged/, Parquet read in place."""
    facts, part, resource = job.facts, job.part, job.loaded.policy.resource
    empty = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    if facts.encoding is None:
        rows = part.stop - part.start
        return _SlicedParquet(facts.source, facts.sha256, None, facts.source, rows, empty,
                              part=part), None  # fmt: skip
    with facts.source.open("rb") as handle:
        handle.seek(part.start)
        body = handle.read(part.stop - part.start)
    folder = job.work / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{part.name}.parquet"
    read = read_csv_rows(
        io.BytesIO(facts.header_bytes + body), facts.source, resource, facts.encoding,
        facts.header, facts.quoted, out, empty=not body, offset=part.first - 2,
    )  # fmt: skip
    counted = account(0, read.rows, read.rejected, read.lines)
    staged = Staged(facts.source, facts.sha256, facts.encoding, out, read.rows, read.quarantine())
    return staged, counted
