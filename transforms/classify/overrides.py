"""A data owner's word over the classifier's guess: policy overrides of a classification.

An override is authoritative for what it states; what it leaves out is re-derived from the
overridden entity, and the grade floors still apply, so an override can raise a grade but never
take a personal column below the floor PIPL practice sets for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from transforms.classify.profiles import GRADES, NON_PERSONAL, PROFILES, UNKNOWN, apply_floors


@dataclass(frozen=True)
class Override:
    """What a policy states about one column; None = not stated."""

    category: str | None = None
    entity: str | None = None
    pi_class: str | None = None
    sensitive_pi: bool | None = None
    grade: str | None = None
    secret: bool = False


def apply_overrides(result: Mapping[str, Any], overrides: Mapping[str, Override]) -> dict[str, Any]:
    """The classification with each column's override applied, the change noted in its
    evidence, and the table grade recomputed. Columns the policy does not name are kept.

    >>> found = {"resource": "r", "table_grade": "general-4", "columns": [
    ...     {"name": "sfzh", "category": "direct_identifier", "entity": "CN_RESIDENT_ID",
    ...      "pi_class": "identity", "sensitive_pi": True, "grade": "general-4",
    ...      "confidence": 0.99, "evidence": []}]}
    >>> out = apply_overrides(found, {"sfzh": Override(grade="important", secret=True)})
    >>> out["table_grade"], out["columns"][0]["secret"], out["columns"][0]["evidence"]
    ('important', True, ['policy: grade important (classifier: general-4)', 'policy: secret'])
    """
    columns = [_column(c, overrides.get(c["name"])) for c in result["columns"]]
    grades = [c["grade"] for c in columns] or ["general-1"]
    return {**result, "table_grade": max(grades, key=GRADES.index), "columns": columns}


def _column(found: Mapping[str, Any], override: Override | None) -> dict[str, Any]:
    column = {**found, "evidence": list(found["evidence"]), "secret": False}
    if override is None:
        return column
    stated = {f.name: getattr(override, f.name) for f in fields(Override) if f.name != "secret"}
    stated = {k: v for k, v in stated.items() if v is not None}
    if "entity" in stated and stated["entity"] != found["entity"]:
        profile = PROFILES.get(stated["entity"], UNKNOWN)
        column.update(category=profile.category, pi_class=profile.pi_class)
        column.update(sensitive_pi=profile.sensitive, grade=profile.grade)
    if stated.get("category") == NON_PERSONAL:
        column.update(pi_class=None, sensitive_pi=False, grade="general-1")
    for key, value in stated.items():
        if value != found[key]:
            column["evidence"].append(
                f"policy: {key} {_show(value)} (classifier: {_show(found[key])})"
            )
        column[key] = value
    personal = column["category"] != NON_PERSONAL and column["pi_class"] is not None
    floored = apply_floors(column["grade"], personal=personal, sensitive=column["sensitive_pi"])
    if floored != column["grade"]:
        column["evidence"].append(f"grade raised to the floor {floored}")
        column["grade"] = floored
    if override.secret:
        column["secret"] = True
        column["evidence"].append("policy: secret")
    column["confidence"] = 1.0 if stated or override.secret else column["confidence"]
    return column


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
