"""A draft policy from a classification: the classifier's proposal as a starting point an
engineer reviews, never a policy that is trusted unread.

Proposals err on the safe side: every direct identifier is removed (the subject pseudonymised
so people can still be counted), free text dropped, quasi-identifiers coarsened where an
operator exists for them. Each column carries the classifier's evidence as a comment, so the
reviewer sees why.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

KEYED = frozenset(
    {"CN_RESIDENT_ID", "CN_USCC", "CN_PASSPORT", "CN_HK_MACAU_PERMIT", "CN_HOME_RETURN_PERMIT"}
    | {"CN_TAIWAN_PERMIT", "RECORD_ID"}
)
"""Identifiers a product may need to join or count on: pseudonymised, not dropped."""
SUBJECT_ORDER = ("CN_RESIDENT_ID", "CN_PASSPORT", "RECORD_ID", "CN_USCC")
"""Which column identifies whom a row is about, most personal first."""
DROPPED_QUASI = frozenset({"ADDRESS", "CN_POSTCODE", "IP_ADDRESS", "CN_USCC", "CN_PLATE"})
PLACEHOLDER_DEPARTMENT = "TO FILL: owning department"


@dataclass(frozen=True)
class DraftColumn:
    """One classified column with the type its sample values parse as."""

    name: str
    category: str
    entity: str | None
    grade: str
    confidence: float
    type: str
    format: str | None = None
    notes: Sequence[str] = field(default_factory=tuple)


def resource_id(stem: str) -> str:
    """A valid resource id from a file name.

    >>> resource_id("2025 Hotline-Tickets")
    'r2025_hotline_tickets'
    """
    slug = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "resource"
    return slug[:63] if slug[0].isalpha() else f"r{slug}"[:63]


def choose_subject(columns: Sequence[DraftColumn]) -> str | None:
    """The column a product counts people (or enterprises) by."""
    for entity in SUBJECT_ORDER:
        for c in columns:
            if c.entity == entity and c.category == "direct_identifier":
                return c.name
    return None


def propose_treatment(column: DraftColumn, *, subject: bool) -> dict[str, object]:
    """The safest treatment that keeps the column useful to products.

    >>> c = DraftColumn("csrq", "quasi_identifier", "DATE_OF_BIRTH", "general-2", 0.9, "date")
    >>> propose_treatment(c, subject=False)
    {'operator': 'generalize', 'to': 'age_band', 'width': 10}
    """
    entity, kind = column.entity, column.type
    if column.category == "free_text":
        return {"operator": "drop"}
    if column.category == "direct_identifier":
        keyed = subject or entity in KEYED
        return {"operator": "pseudonymize", "key": "default"} if keyed else {"operator": "drop"}
    if column.category != "quasi_identifier":
        return {"operator": "keep"}
    if entity in DROPPED_QUASI:
        return {"operator": "drop"}
    if entity in ("DATE_OF_BIRTH", "AGE") and kind in ("date", "datetime", "integer", "float"):
        return {"operator": "generalize", "to": "age_band", "width": 10}
    if kind in ("date", "datetime"):
        return {"operator": "generalize", "to": "month"}
    if entity == "CN_DISTRICT_CODE" and kind == "string":
        return {"operator": "generalize", "to": "city"}
    return {"operator": "keep"}


def render_draft(
    columns: Sequence[DraftColumn],
    *,
    rid: str,
    title: str,
    source: str,
    file_format: str,
    delimiter: str = ",",
    reference_date: dt.date,
    table_grade: str,
) -> str:
    """The draft policy as YAML text, with the evidence as comments."""
    subject = choose_subject(columns)
    lines = [
        f"# Draft policy proposed by `sluice classify` (table grade {table_grade}).",
        "# Review every column, fill in the owning department, then add products.",
        "sluice: 1",
        f"reference_date: {reference_date.isoformat()}",
        "resource:",
        f"  id: {rid}",
        f"  title: {_q(title)}",
        f"  department: {_q(PLACEHOLDER_DEPARTMENT)}",
        f"  source: {_q(source)}",
        f"  format: {file_format}",
        *([f"  delimiter: {_q(delimiter)}"] if delimiter != "," else []),
        "  update_frequency: irregular",
        *([f"  subject: {_q(subject)}"] if subject else []),
        "columns:",
    ]
    for c in columns:
        lines.append(
            f"  # {c.entity or 'unrecognised'}, {c.category}, grade {c.grade}, "
            f"confidence {c.confidence:.2f}"
        )
        lines.extend(f"  # {note}" for note in c.notes)
        lines.append(f"  {_q(c.name)}:")
        lines.append(f"    type: {c.type}")
        if c.format:
            lines.append(f"    format: {_q(c.format)}")
        lines.append(f"    category: {c.category}")
        if c.entity:
            lines.append(f"    entity: {_q(c.entity)}")
        if c.name == subject:
            lines.append("    required: true")
        treatment = propose_treatment(c, subject=c.name == subject)
        pairs = ", ".join(f"{k}: {v}" for k, v in treatment.items())
        lines.append(f"    treatment: {{{pairs}}}")
    lines += [
        "# Products, e.g. a model product counting people per district:",
        "# - {id: example, kind: model, title: ..., supply_mode: open, purpose: ...,",
        "#    dimensions: [...], measures: [{name: people, agg: count_subjects}],",
        "#    min_group_size: 10}",
        "products: []",
        "",
    ]
    return "\n".join(lines)


def _q(text: str) -> str:
    """A YAML scalar that reads back as the same string (JSON strings are YAML)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
