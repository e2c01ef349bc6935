"""Checks across keys that a single field cannot see: references, treatments fit their columns.

Each problem comes with the key path it belongs to, so the loader can point at the YAML line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from governance.policy.base import NUMERIC_TYPES
from governance.policy.microdata_checks import microdata_problems
from governance.policy.models import Policy
from governance.policy.products import MicrodataProduct, ModelProduct, VerificationProduct
from governance.policy.treatments import Generalize

Problem = tuple[tuple[str | int, ...], str]

IDENTITY_TREATMENTS = "drop, pseudonymize or mask"


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
        if column.category == "free_text" and treatment.operator != "drop":
            yield where, f"'{name}' is free text that may hold personal data; treat it with drop"
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
    seen: set[str] = set()
    for i, product in enumerate(policy.products):
        if product.id in seen:
            yield ("products", i, "id"), f"product id '{product.id}' is used twice in this file"
        seen.add(product.id)
        if isinstance(product, ModelProduct):
            yield from _model_product(policy, i, product)
        elif isinstance(product, MicrodataProduct):
            yield from microdata_problems(policy, i, product, base)
        elif isinstance(product, VerificationProduct):
            yield from _verification_product(policy, i, product)


def _model_product(policy: Policy, i: int, product: ModelProduct) -> Iterator[Problem]:
    outputs: set[str] = set()
    for j, dim in enumerate(product.dimension_specs()):
        where = ("products", i, "dimensions", j)
        column = policy.columns.get(dim.column)
        if column is None:
            yield where, f"dimension '{dim.column}' is not a declared column"
            continue
        if column.secret:
            yield where, f"dimension '{dim.column}' is secret; no product may release it"
        elif column.treatment.output_type(column.type) is None:
            yield where, f"dimension '{dim.column}' is dropped by its treatment"
        elif column.category in ("direct_identifier", "free_text"):
            yield where, f"dimension '{dim.column}' is a {column.category.replace('_', ' ')}"
        if dim.output in outputs:
            yield where, f"output column '{dim.output}' appears twice"
        outputs.add(dim.output)
    for j, measure in enumerate(product.measures):
        where = ("products", i, "measures", j)
        if measure.name in outputs:
            yield where, f"output column '{measure.name}' appears twice"
        outputs.add(measure.name)
        if measure.column is None:
            continue
        column = policy.columns.get(measure.column)
        if column is None:
            yield (*where, "column"), f"'{measure.column}' is not a declared column"
            continue
        out_type = column.treatment.output_type(column.type)
        if column.secret:
            yield (*where, "column"), f"'{measure.column}' is secret; no product may release it"
        elif out_type not in NUMERIC_TYPES:
            got = "dropped" if out_type is None else f"{out_type} after treatment"
            yield (
                (*where, "column"),
                f"'{measure.agg}' needs a numeric column; '{measure.column}' is {got}",
            )
        elif column.category in ("direct_identifier", "free_text"):
            yield (*where, "column"), f"'{measure.column}' is a direct identifier"
    if "suppressed" in outputs:
        yield ("products", i), "'suppressed' is reserved for the suppression flag column"
    yield from _private(policy, i, product)


def _private(policy: Policy, i: int, product: ModelProduct) -> Iterator[Problem]:
    """Differential privacy needs the resource's budget and bounded contributions."""
    for column in product.contribution.bounds if product.contribution else {}:
        declared = policy.columns.get(column)
        if declared is None or declared.treatment.output_type(declared.type) not in NUMERIC_TYPES:
            yield (
                ("products", i, "contribution", "bounds", column),
                f"'{column}' is not a numeric column of the de-identified resource",
            )
    private = product.differential_privacy
    if private is None:
        return
    budget = policy.resource.privacy_budget
    if budget is None:
        yield (
            ("products", i, "differential_privacy"),
            "differential privacy spends the resource's budget: declare resource.privacy_budget",
        )
    elif private.epsilon > budget.epsilon or private.delta > budget.delta:
        yield (
            ("products", i, "differential_privacy"),
            f"one release costs more (epsilon {private.epsilon:g}, delta {private.delta:g}) than "
            f"the whole budget (epsilon {budget.epsilon:g}, delta {budget.delta:g})",
        )
    bounded = product.contribution is not None and product.contribution.max_rows_per_subject
    if policy.resource.subject is not None and not bounded:
        yield (
            ("products", i, "differential_privacy"),
            "differential privacy needs contribution.max_rows_per_subject: how many rows one "
            "person may add",
        )


def _verification_product(
    policy: Policy, i: int, product: VerificationProduct
) -> Iterator[Problem]:
    """Every column a claim reads exists and is not secret; minimums compare numbers."""
    where = ("products", i)
    column = policy.columns.get(product.identifier.column)
    if column is None:
        yield (
            (*where, "identifier", "column"),
            (f"'{product.identifier.column}' is not a declared column"),
        )
    elif column.secret:
        yield (*where, "identifier", "column"), f"'{product.identifier.column}' is secret"
    for j, claim in enumerate(product.claims):
        for part in ("match", "where", "at_least", "require"):
            for name in getattr(claim, part):
                declared = policy.columns.get(name)
                at = (*where, "claims", j, part, name)
                if declared is None:
                    yield at, f"'{name}' is not a declared column"
                elif declared.secret:
                    yield at, f"'{name}' is secret; no product may use it"
                elif part == "at_least" and declared.type not in NUMERIC_TYPES:
                    yield at, f"'at_least' compares numbers; '{name}' is {declared.type}"
