"""`sluice classify FILE --emit-policy OUT`: a draft policy for a delivered file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.errors import BuildError
from flows.files.atomic import write_atomically
from flows.services.classify import read_rows
from governance.policy.draft import DraftColumn, render_draft, resource_id
from transforms.classify import classify_frame
from transforms.classify.types import infer_type


def draft_policy(
    path: Path, *, home: Path, sample_rows: int = 5000, reference_date: dt.date
) -> tuple[str, dict]:
    """The draft policy text for `path`, and the classification it was drawn from."""
    frame = read_rows(path, sample_rows)
    result = classify_frame(frame, resource=path.stem, sample_rows=sample_rows)
    columns = []
    for found in result["columns"]:
        guess = infer_type(frame[found["name"]], found["entity"])
        notes = [e for e in found["evidence"] if not e.startswith("stats:")][:3]
        columns.append(
            DraftColumn(
                name=found["name"],
                category=found["category"],
                entity=found["entity"],
                grade=found["grade"],
                confidence=found["confidence"],
                type=guess.type,
                format=guess.format,
                notes=[*notes, *([guess.mixed] if guess.mixed else [])],
            )
        )
    text = render_draft(
        columns,
        rid=resource_id(path.stem),
        title=path.stem,
        source=_source(path, home),
        file_format="parquet" if path.suffix.lower() == ".parquet" else "csv",
        reference_date=reference_date,
        table_grade=result["table_grade"],
    )
    return text, result


def write_draft(text: str, out: Path, *, force: bool) -> None:
    """Write the draft, never over an existing policy unless asked to."""
    if out.exists() and not force:
        raise BuildError(f"{out} already exists; choose another path or pass --force")
    write_atomically(out, lambda tmp: tmp.write_text(text, "utf-8"))


def _source(path: Path, home: Path) -> str:
    """Relative to SLUICE_HOME when the file is inside it, as policies write sources."""
    resolved = path.absolute()
    try:
        return resolved.relative_to(home).as_posix()
    except ValueError:
        return str(resolved)
