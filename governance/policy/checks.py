"""Checks across keys that a single field cannot see: treatments fit their columns, each
product's own checks against the columns it draws on, and the release matrix (what its supply
mode may release, by the grades of what it draws on).

Each problem comes with the key path it belongs to, so the loader can point at the YAML line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from governance.policy.base import Problem
from governance.policy.models import Policy
from governance.policy.treatments import Generalize
from governance.release_matrix.judging import judge, outflow

IDENTITY_TREATMENTS = "drop, pseudonymize or mask"
FREE_TEXT_TREATMENTS = ("drop", "redact")


def cross_check(policy: Policy, base: Path | None = None) -> list[Problem]:
    """All cross-key problems of a policy, in file order; files a policy names (hierarchies)
    are looked up relative to `base`, the policy's folder, when it is given."""
    return [*_columns(policy), *_products(policy, base)]


def _columns(policy: Policy) -> Iterator[Problem]:
    subject = policy.resource.subject
    if subject is not None and subject not in policy.columns:
        yield ("resource", "subject"), f"column '{subject}' is not declared under 'columns'"
    for name, column in policy.columns.items():
        where = ("columns", name, "treatment")
        treatment = column.treatment
        if column.category == "direct_identifier" and not treatment.removes_identity:
            yield where, f"'{name}' is a direct identifier; treat it with {IDENTITY_TREATMENTS}"
        if column.category == "free_text" and treatment.operator not in FREE_TEXT_TREATMENTS:
            yield (
                where,
                f"'{name}' is free text that may hold personal data; treat it with drop, or "
                "with redact to keep the text with its identifiers replaced",
            )
        if treatment.needs_subject and subject is None:
            yield (
                where,
                f"'{treatment.operator}' draws once per person: set resource.subject to the "
                "column that identifies the person",
            )
        if column.type not in treatment.accepts:
            allowed = ", ".join(sorted(treatment.accepts))
            yield (
                where,
                f"'{treatment.operator}' needs a column of type {allowed}, not {column.type}",
            )
        dated = policy.reference_date is not None
        if isinstance(treatment, Generalize) and (
            why := treatment.accepts_type(column.type, policy_date=dated)
        ):
            yield where, why
        if column.format and column.type not in ("date", "datetime"):
            yield ("columns", name, "format"), "'format' applies only to date and datetime columns"


def _products(policy: Policy, base: Path | None) -> Iterator[Problem]:
    """Each product's own problems (its kind knows them), the release matrix's rules it
    breaks, and ids used twice."""
    seen: set[str] = set()
    home = policy.resource.id
    for i, product in enumerate(policy.products):
        if product.id in seen:
            yield ("products", i, "id"), f"product id '{product.id}' is used twice in this file"
        seen.add(product.id)
        for key, message in product.problems(policy, base):
            yield ("products", i, *key), message
        for breach in judge(outflow(product, {home: policy}, home)):
            yield ("products", i, *breach.key), breach.message
