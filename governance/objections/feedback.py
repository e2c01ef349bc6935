"""Quality feedback (数据质量可反馈): a consumer or an operator reports what is wrong with a
published product version, which cells or records, and the evidence. Kept in the `feedback`
table of domain/state.duckdb; a feedback file is read with the line of every problem."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from governance.duck import reading, select, transaction
from governance.errors import PolicyErrors
from governance.policy.base import StrictModel
from governance.policy.load import _from_pydantic, _parse
from governance.policy.yaml_lines import read_utf8

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id TEXT PRIMARY KEY,
    filed_at TIMESTAMP NOT NULL,
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    filer_kind TEXT NOT NULL,
    filer TEXT,
    cells TEXT NOT NULL,
    records TEXT NOT NULL,
    problem TEXT NOT NULL,
    evidence TEXT
);
"""
SHAPE = "feedback is a YAML or JSON mapping with product, version, problem"


class FeedbackFiling(StrictModel):
    """What a report of a quality problem names: the product version, the cells (by their
    dimension values) or records concerned, what is wrong and the evidence."""

    product: str = Field(min_length=1)
    version: int = Field(ge=1)
    filer_kind: Literal["consumer", "operator"] = "consumer"
    filer: str | None = None
    cells: list[dict[str, str | int | float]] = Field(default_factory=list)
    records: list[dict[str, str | int | float]] = Field(default_factory=list)
    problem: str = Field(min_length=1, description="What is wrong.")
    evidence: str | None = Field(None, description="What shows it.")


def load_feedback(path: Path) -> FeedbackFiling:
    """A feedback file, or PolicyErrors naming the file, line and field of every problem."""
    _, text = read_utf8(path, "feedback")
    data, lines = _parse(path, text, SHAPE)
    try:
        return FeedbackFiling.model_validate(data)
    except ValidationError as exc:
        problems = [_from_pydantic(path, lines, e, FeedbackFiling) for e in exc.errors()]
        raise PolicyErrors(problems) from None


class FeedbackStore:
    """Feedback received, one row each."""

    def __init__(self, path: Path):
        self.path = path

    def add(self, filing: FeedbackFiling, at: dt.datetime) -> str:
        """Record a report as 'received'; returns its id (FB-YYYYMMDD-NNN)."""
        prefix = f"FB-{at:%Y%m%d}-"
        with transaction(self.path, SCHEMA) as con:
            found = con.execute(
                "SELECT count(*) FROM feedback WHERE feedback_id LIKE ?", [prefix + "%"]
            ).fetchone()
            feedback_id = f"{prefix}{(found[0] if found else 0) + 1:03d}"
            con.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)",
                [feedback_id, at, filing.product, filing.version, filing.filer_kind,
                 filing.filer, json.dumps(filing.cells, ensure_ascii=False),
                 json.dumps(filing.records, ensure_ascii=False), filing.problem,
                 filing.evidence],
            )  # fmt: skip
        return feedback_id

    def all(self) -> list[dict[str, Any]]:
        """Every report, oldest first."""
        with reading(self.path, SCHEMA, ["feedback"]) as con:
            rows = select(con, "SELECT * FROM feedback ORDER BY filed_at, feedback_id")
        for row in rows:
            row["cells"], row["records"] = json.loads(row["cells"]), json.loads(row["records"])
        return rows
