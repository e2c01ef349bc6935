"""Binds policy specs (governance) to the privacy core's plain parameters (transforms).

The only place that knows both vocabularies; secrets are injected here, at run time.
"""

from __future__ import annotations

from collections.abc import Callable

from governance.policy.models import Policy
from governance.policy.products import ModelProduct
from transforms.deidentify import ColumnTreatment
from transforms.egress import Origin
from transforms.products.model import SUPPRESSED, Dim, Stat
from transforms.validation import ColumnRule

KeyLoader = Callable[[str], bytes]


def column_rules(policy: Policy) -> list[ColumnRule]:
    """Parsing and row checks for every declared column."""
    rules = []
    for name, col in policy.columns.items():
        checks = col.checks
        rules.append(
            ColumnRule(
                name=name,
                type=col.type,
                format=col.format,
                required=col.required,
                min=checks.min if checks else None,
                max=checks.max if checks else None,
                allowed=checks.allowed if checks else None,
                pattern=checks.pattern if checks else None,
            )
        )
    return rules


def treatments(policy: Policy, load_key: KeyLoader) -> list[ColumnTreatment]:
    """Each column's operator and parameters, with pseudonymisation keys loaded by name."""
    out = []
    for name, col in policy.columns.items():
        params = col.treatment.params()
        if col.treatment.operator == "pseudonymize":
            params["key"] = load_key(str(params["key"]))
        if col.treatment.needs_subject:
            params.update(key=load_key(str(params["key"])), by=policy.resource.subject)
            params["purpose"] = name
        if col.treatment.operator == "generalize" and params.get("reference_date") is None:
            params["reference_date"] = policy.reference_date
        out.append(ColumnTreatment(name, col.treatment.operator, col.type, params))
    return out


def model_parts(product: ModelProduct) -> tuple[list[Dim], list[Stat]]:
    """Dimensions and statistics of a model product."""
    dims = [Dim(d.column, d.output) for d in product.dimension_specs()]
    stats = [Stat(m.name, m.agg, m.column, m.round) for m in product.measures]
    return dims, stats


def model_lineage(policy: Policy, product: ModelProduct) -> dict[str, Origin]:
    """Where each published column of a model product comes from, for the egress gate."""
    lineage: dict[str, Origin] = {}
    for d in product.dimension_specs():
        col = policy.columns[d.column]
        lineage[d.output] = Origin("dimension", d.column, col.category, col.secret)
    for m in product.measures:
        source = policy.columns[m.column] if m.column else None
        category, secret = (source.category, source.secret) if source else (None, False)
        lineage[m.name] = Origin("measure", m.column, category, secret)
    lineage[SUPPRESSED] = Origin("flag")
    return lineage
