"""Preparing a resource for its products: ingest -> validate -> de-identify, one lazy plan sunk
once. Everything written here stays inside the domain (work/, quarantine/, keys/)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from flows.files.atomic import write_atomically
from flows.files.ingest import LINE, QUARANTINE_SCHEMA, Staged, stage
from flows.files.keys import key_fingerprint, load_or_create_key
from flows.files.streaming import streaming
from flows.kinds.base import Prepared
from flows.pipeline.admission import Intake, admit, previous_rows
from flows.pipeline.binding import column_rules, treatments
from flows.services.audit_trail import record
from flows.settings import Paths
from governance.objections import ObjectionStore
from governance.policy.load import LoadedPolicy
from governance.state import State
from transforms.corrections import Fix, apply_corrections
from transforms.deidentify import deidentify as apply_treatments
from transforms.validation import (
    OK,
    ColumnRule,
    describe_rejected,
    typed_columns,
    validate_rows,
)

KeyLoader = Callable[[str], bytes]


def ingest(loaded: LoadedPolicy, paths: Paths) -> Staged:
    """Stage the resource's source file inside the domain."""
    resource = loaded.policy.resource
    work = paths.work / resource.id
    return stage(resource, paths.source(resource.source), list(loaded.policy.columns), work)


def key_loader(paths: Paths, state: State) -> KeyLoader:
    """Load keys by name, creating (and recording the fingerprint of) missing ones, one at a
    time (products building side by side must not each create the same key)."""
    creating = threading.Lock()

    def load(key_id: str) -> bytes:
        with creating:
            key, created = load_or_create_key(paths.keys, key_id)
            if created:
                fingerprint = key_fingerprint(key)
                state.record_key(key_id, fingerprint)
                record(paths, "key_create", subject=key_id, counts={"fingerprint": fingerprint})
        return key

    return load


@dataclass(frozen=True)
class Checked:
    """The validation plan (not yet run): every row with its line, typed values and whether it
    passed (`__ok`); `raw` is the staged rows, to quote the few that failed."""

    frame: pl.LazyFrame
    raw: pl.LazyFrame
    rules: list[ColumnRule]

    passthrough = (LINE, OK)


def fixes(loaded: LoadedPolicy, paths: Paths) -> list[Fix]:
    """The corrections upheld objections made to the resource (异议处置), oldest first."""
    held = ObjectionStore(paths.state).corrections(loaded.policy.resource.id)
    return [Fix(c.key_column, c.key_value, c.column, c.value) for c in held]


def validate(loaded: LoadedPolicy, staged: Staged, corrections: Sequence[Fix] = ()) -> Checked:
    """Apply the corrections to the rows as delivered, then parse every value into its
    declared type and apply the column checks (lazily)."""
    raw = apply_corrections(staged.scan(), corrections)
    if LINE not in raw.collect_schema().names():
        raw = raw.with_row_index(LINE, offset=1)
    rules = column_rules(loaded.policy)
    checked = validate_rows(raw, rules).select(
        *typed_columns(rules), pl.col(LINE).cast(pl.Int64), pl.col(OK)
    )
    return Checked(checked, raw, rules)


def deidentify(
    loaded: LoadedPolicy, staged: Staged, checked: Checked, paths: Paths, load_key: KeyLoader
) -> Prepared:
    """De-identify every row in one streaming pass over the staged file and sink it once; then
    move the rows that failed (both stages) to quarantine, and refuse to go on when what was
    read may not be published from (IngestRefused; the quarantine is kept)."""
    resource = loaded.policy.resource
    subject_key = load_key("default") if resource.subject else None
    deidentified = apply_treatments(
        checked.frame,
        treatments(loaded.policy, load_key),
        subject=resource.subject,
        subject_key=subject_key,
        keep=checked.passthrough,
    )
    work = paths.work / resource.id
    work.mkdir(parents=True, exist_ok=True)
    out = work / "deidentified.parquet"
    with streaming():  # uncompressed: pseudonyms and hashes hardly compress, and lz4 cost time
        deidentified.frame.sink_parquet(out, engine="streaming", compression="uncompressed")
    failed = pl.scan_parquet(out).filter(~pl.col(OK)).select(LINE).collect()[LINE]
    bad_rows = checked.raw.filter(pl.col(LINE).is_in(failed.implode()))
    described = describe_rejected(bad_rows, checked.rules)
    # no row failed: nothing to look up, so the staged rows are not read again
    rejected = (
        described.collect() if failed.len() else pl.DataFrame(schema=described.collect_schema())
    )
    quarantine = pl.concat([staged.rejected, rejected]).sort("line")
    qfile = _write_quarantine(paths, resource.id, staged.sha256, quarantine)
    inputs = [
        {
            "path": str(Path(resource.source)),
            "sha256": staged.sha256,
            "encoding": staged.encoding,
            "rows_read": staged.rows + staged.rejected.height,
            "rows_quarantined": quarantine.height,
        }
    ]
    rows = pq.read_metadata(out).num_rows - rejected.height
    intake = Intake(
        staged.source, staged.rows + staged.rejected.height, quarantine.height, rows, qfile,
        staged.lines, staged.rejected.height,
    )  # fmt: skip
    admit(resource, intake, previous_rows(paths, resource.id))
    return Prepared(
        resource.id, inputs, out, deidentified.subject, list(checked.passthrough), rows,
        quarantine.height, qfile, checked.frame.filter(pl.col(OK)),
    )  # fmt: skip


def _write_quarantine(paths: Paths, resource: str, sha: str, rows: pl.DataFrame) -> Path | None:
    """Rejected rows with line and reason, one file per input content (re-runs overwrite it)."""
    folder = paths.quarantine / resource
    target = folder / f"{sha[:16]}.parquet"
    if rows.is_empty():
        target.unlink(missing_ok=True)
        return None
    write_atomically(target, rows.select(QUARANTINE_SCHEMA.keys()).write_parquet)
    return target
