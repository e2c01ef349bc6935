"""Answers kept inside the domain until their batch is charged and audited, then delivered.

A batch's answers are written to a part file in domain/work/verify/ first and moved to where
the operator asked only after the transaction that charges the quota, records the history and
appends the audit record has committed. A crash before the commit leaves a part inside the
domain that nobody received (the next batch removes it); a crash after it leaves a batch
charged and audited but not delivered, never the other way round.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from flows.files.atomic import write_atomically
from flows.files.ingest import file_sha256
from flows.settings import Paths


def parts(paths: Paths) -> Path:
    """Where answers wait for their commit."""
    return paths.work / "verify"


def write_part(paths: Paths, table: pl.DataFrame, out: Path) -> tuple[Path, str]:
    """Write the answers, in the format `out` names, to a part inside the domain; returns the
    part and its SHA-256 (the delivered file's, once moved)."""
    folder = parts(paths)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{uuid.uuid4().hex}{out.suffix.lower()}"
    if out.suffix.lower() == ".parquet":
        table.write_parquet(part)
    else:
        table.write_csv(part)
    return part, file_sha256(part)


def discard_parts(paths: Paths) -> None:
    """Remove the parts of batches that never committed; only the lock holder calls this."""
    folder = parts(paths)
    if folder.is_dir():
        for part in folder.iterdir():
            part.unlink(missing_ok=True)


def deliver(part: Path, out: Path) -> None:
    """Move a committed batch's answers into place whole, across file systems too."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(part, out)
    except OSError:
        write_atomically(out, lambda tmp: shutil.copyfile(part, tmp))
        part.unlink(missing_ok=True)
