"""Writing the annual disclosure (年度披露) in its three forms: one JSON document with its JSON
Schema, one Parquet table per section, and a printable page. All files or none: they are
written into a hidden folder beside --out and renamed into place in one step."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

import polars as pl

from flows.errors import BuildError
from flows.files.disclosure_page import render_disclosure
from flows.files.published import fsync_dir
from governance.disclosure.models import SECTIONS, Checkpoint, Disclosure

FORMATS = ("json", "parquet", "html")
SCHEMA = "disclosure.schema.json"


def document_text(document: Disclosure) -> str:
    """The JSON document as written; its SHA-256 is what the audit record names."""
    return json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_disclosure(document: Disclosure, out: Path, formats: Sequence[str]) -> list[str]:
    """Write the chosen forms into `out` (replacing an earlier disclosure there); returns
    the names of the files written."""
    _replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex}"
    stage.mkdir()
    try:
        for form in formats:
            for name, write in _writers(document, form):
                write(stage / name)
        written = sorted(p.name for p in stage.iterdir())
        for path in stage.iterdir():
            os.chmod(path, 0o644)
        os.chmod(stage, 0o755)
        fsync_dir(stage)
        _place(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return written


def _writers(document: Disclosure, form: str) -> list[tuple[str, Callable[[Path], object]]]:
    year = document.year
    if form == "json":
        schema = json.dumps(Disclosure.model_json_schema(), ensure_ascii=False, indent=2)
        return [
            (f"disclosure-{year}.json", lambda p: p.write_text(document_text(document), "utf-8")),
            (SCHEMA, lambda p: p.write_text(schema + "\n", "utf-8")),
        ]
    if form == "parquet":
        return [(f"{name}.parquet", _table(document, name)) for name in (*SECTIONS, "audit")]
    page = render_disclosure(document)
    return [(f"disclosure-{year}.html", lambda p: p.write_text(page, "utf-8"))]


def _table(document: Disclosure, section: str) -> Callable[[Path], object]:
    """A section as a table: one row per entry, lists as lists; the audit head as one row."""
    if section == "audit":
        head = document.audit
        point = head.checkpoint.model_dump() if head.checkpoint else dict.fromkeys(
            Checkpoint.model_fields)  # fmt: skip
        row = {**head.model_dump(exclude={"checkpoint"}),
               **{f"checkpoint_{k}": v for k, v in point.items()}}  # fmt: skip
        frame = _frame([row], list(row))
    else:
        model = get_args(Disclosure.model_fields[section].annotation)[0]
        rows = [r.model_dump() for r in getattr(document, section)]
        frame = _frame(rows, list(model.model_fields))
    return lambda p: frame.write_parquet(p)


def _frame(rows: list[dict[str, Any]], names: list[str]) -> pl.DataFrame:
    """Rows as a frame; columns with no value at all are typed as text."""
    if not rows:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col(pl.Null).cast(pl.String))


def _replaceable(out: Path) -> None:
    """--out is a new folder, an empty one, or an earlier disclosure (which is replaced)."""
    if out.exists() and not out.is_dir():
        raise BuildError(f"--out {out} is a file; give a folder for the disclosure")
    if out.is_dir() and any(out.iterdir()) and not (out / SCHEMA).is_file():
        raise BuildError(
            f"--out {out} holds other files and no earlier disclosure ({SCHEMA}); give an "
            "empty or new folder"
        )


def _place(stage: Path, out: Path) -> None:
    """Rename the staged folder into place; an earlier disclosure is moved aside first and
    removed after, so `out` always holds one whole disclosure."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex}"
        os.rename(out, old)
    try:
        os.rename(stage, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
