"""What makes a new version of a registration, and how the change is worded in its history.

A new version follows a change of the data (content hash, hence row count), of its shape
(declared columns and types, or the file's header), of its grade, or of a registered fact
(title, format, storage location, update frequency, supply modes). The policy file's own hash
is not one of them: comments and layout are not the resource.
"""

from __future__ import annotations

from typing import Any

from governance.registry.models import Submission

FACTS = ("title", "format", "location", "update_frequency", "supply_modes")


def describe_changes(before: Submission, after: Submission) -> list[str]:
    """Each difference as one short phrase; empty when the registration is unchanged.

    >>> a = Submission("r", "t", "d", "csv", "/x.csv", 3, "a1b2c3d4e5", {}, {}, "general-3",
    ...                "daily", ["open"], "p.yaml", "0")
    >>> from dataclasses import replace
    >>> describe_changes(a, replace(a, content_sha256="c3d4e5f6a7", row_count=4))
    ['content sha256 a1b2c3d4..→c3d4e5f6..', 'rows 3→4']
    """
    changes: list[str] = []
    if before.content_sha256 != after.content_sha256:
        changes.append(
            f"content sha256 {_short(before.content_sha256)}→{_short(after.content_sha256)}"
        )
    if before.row_count != after.row_count:
        changes.append(f"rows {before.row_count}→{after.row_count}")
    changes.extend(_schema_changes(before.schema, after.schema))
    if before.table_grade != after.table_grade:
        changes.append(f"grade {before.table_grade}→{after.table_grade}")
    for name in FACTS:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            changes.append(f"{name.replace('_', ' ')} {_text(old)}→{_text(new)}")
    return changes


def _schema_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old = {c["name"]: c["type"] for c in before.get("declared", [])}
    new = {c["name"]: c["type"] for c in after.get("declared", [])}
    changes = []
    added = [n for n in new if n not in old]
    removed = [n for n in old if n not in new]
    retyped = [f"{n} {old[n]}→{new[n]}" for n in new if n in old and old[n] != new[n]]
    if added:
        changes.append(f"columns added: {', '.join(added)}")
    if removed:
        changes.append(f"columns removed: {', '.join(removed)}")
    if retyped:
        changes.append(f"column types: {', '.join(retyped)}")
    if before.get("physical") != after.get("physical") and not (added or removed):
        changes.append("file header changed (column order)")
    return changes


def _short(sha: str) -> str:
    return f"{sha[:8]}.."


def _text(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)
