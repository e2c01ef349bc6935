"""Cross-checks of a microdata product against its resource's columns.

Every published column is a record-level value, so none may be a direct identifier or free
text (unless redacted), and a quasi-identifier may leave only generalised (listed under
quasi_identifiers); the release matrix refuses secret columns, as it does for every kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from flows.kinds.microdata.hierarchy import HierarchySpec, QuasiIdentifierSpec
from flows.kinds.microdata.privacy import PrivacySpec
from governance.policy.base import NUMERIC_TYPES, TEMPORAL_TYPES, Problem
from governance.policy.product import ResourcePolicy


def microdata_problems(
    policy: ResourcePolicy,
    product: str,
    quasi_identifiers: Sequence[QuasiIdentifierSpec],
    include: Sequence[str],
    privacy: PrivacySpec,
    base: Path | None,
) -> Iterator[Problem]:
    """Problems of a microdata product's columns, key paths relative to the product; hierarchy
    files are looked up relative to `base`."""
    name = f"microdata '{product}'"
    qis = {q.column for q in quasi_identifiers}
    seen: set[str] = set()
    for j, qi in enumerate(quasi_identifiers):
        where: tuple[str | int, ...] = ("quasi_identifiers", j)
        if qi.column in seen:
            yield (*where, "column"), f"{name}: quasi-identifier '{qi.column}' is listed twice"
        seen.add(qi.column)
        why = _unusable(policy, qi.column)
        if why:
            yield (*where, "column"), f"{name}: quasi-identifier '{qi.column}' {why}"
            continue
        yield from _hierarchy_fits(policy, name, where, qi.column, qi.hierarchy, base)
    for j, column in enumerate(include):
        where = ("include", j)
        why = _unusable(policy, column)
        if column in qis:
            why = "is already a quasi-identifier"
        elif not why and policy.columns[column].category == "quasi_identifier":
            why = "is a quasi-identifier; list it under quasi_identifiers so it is generalised"
        if why:
            yield where, f"{name}: included column '{column}' {why}"
    settings = [("l_diversity", j, s.column) for j, s in enumerate(privacy.l_diversity)]
    settings += [("t_closeness", j, s.column) for j, s in enumerate(privacy.t_closeness)]
    for key, j, column in settings:
        where = ("privacy", key, j, "column")
        why = _unusable(policy, column)
        if column in qis:
            why = "is also a quasi-identifier; a column is either one or the other"
        elif not why and policy.columns[column].category == "quasi_identifier":
            why = "is a quasi-identifier; list it under quasi_identifiers, or choose another"
        if why:
            yield where, f"{name}: sensitive column '{column}' {why}"


def _unusable(policy: ResourcePolicy, column: str) -> str:
    """Why a column cannot be published as a record-level value ('' when it can)."""
    spec = policy.columns.get(column)
    if spec is None:
        return "is not a declared column"
    if spec.treatment.output_type(spec.type) is None:
        return "is dropped by its treatment"
    if spec.category == "free_text" and spec.treatment.operator == "redact":
        return ""  # the text with its identifiers replaced, read again by the gate
    if spec.category in ("direct_identifier", "free_text"):
        return f"is a {spec.category.replace('_', ' ')}; records may not carry it"
    return ""


def _hierarchy_fits(
    policy: ResourcePolicy,
    name: str,
    where: tuple[str | int, ...],
    column: str,
    hierarchy: HierarchySpec | None,
    base: Path | None,
) -> Iterator[Problem]:
    if hierarchy is None:
        return
    spec = policy.columns[column]
    out = spec.treatment.output_type(spec.type)
    form = hierarchy.form
    at = (*where, "hierarchy", form)
    if form == "intervals" and out not in NUMERIC_TYPES:
        yield at, f"{name}: intervals need a numeric column; '{column}' is {out} after treatment"
    elif form == "dates" and out not in TEMPORAL_TYPES:
        yield at, f"{name}: dates need a date column; '{column}' is {out} after treatment"
    elif form == "file" and base is not None:
        path = base / str(hierarchy.file)
        if not path.is_file():
            yield at, f"{name}: hierarchy file of '{column}' not found: {path}"
