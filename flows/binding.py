"""Binds policy specs (governance) to the privacy core's plain parameters (transforms).

The only place that knows both vocabularies; secrets are injected here, at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from governance.policy.models import Policy
from governance.policy.products import MicrodataProduct, ModelProduct
from transforms.anonymize import PrivacyModel, privacy_models
from transforms.deidentify import ColumnTreatment
from transforms.egress import Origin, RecordRule
from transforms.products.contribution import bound_contributions
from transforms.products.microdata import QuasiIdentifier
from transforms.products.model import MARGIN, SUPPRESSED, Dim, Stat
from transforms.validation import ColumnRule

if TYPE_CHECKING:
    from transforms.products.dp_model import PrivacyParameters

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


def bounded(product: ModelProduct, frame: pl.LazyFrame, subject: str | None) -> pl.LazyFrame:
    """The rows after the product's contribution bounding (unchanged without one)."""
    bounds = product.contribution
    if bounds is None:
        return frame
    return bound_contributions(
        frame, subject=subject, max_rows=bounds.max_rows_per_subject, bounds=bounds.bounds
    )


def privacy_parameters(product: ModelProduct) -> PrivacyParameters:
    """The DP settings of a model product, with its contribution bounds."""
    from transforms.products.dp_model import PrivacyParameters  # loads OpenDP

    private = product.differential_privacy
    if private is None:
        raise ValueError(f"product '{product.id}' is not differentially private")
    bounds = product.contribution
    return PrivacyParameters(
        mechanism=private.mechanism,
        epsilon=private.epsilon,
        delta=private.delta,
        max_rows=(bounds.max_rows_per_subject if bounds else None) or 1,
        bounds=dict(bounds.bounds) if bounds else {},
    )


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
    if product.margins:
        lineage[MARGIN] = Origin("flag")
    return lineage


def microdata_qis(product: MicrodataProduct, policy_dir: Path) -> list[QuasiIdentifier]:
    """Quasi-identifiers with their hierarchy form; hierarchy files resolved from the policy's
    folder."""
    out = []
    for qi in product.quasi_identifiers:
        h = qi.hierarchy
        if h is None:
            out.append(QuasiIdentifier(qi.column))
            continue
        out.append(
            QuasiIdentifier(
                qi.column,
                form=h.form,  # type: ignore[arg-type]
                widths=tuple(h.intervals or ()),
                date_levels=tuple(h.dates or ()),
                path=policy_dir / h.file if h.file else None,
                separator=h.separator,
            )
        )
    return out


def microdata_models(product: MicrodataProduct) -> list[PrivacyModel]:
    """The privacy models the anonymisation search must meet."""
    privacy = product.privacy
    return privacy_models(
        privacy.k,
        privacy.environment,
        [(d.column, d.kind, d.l, d.c) for d in privacy.l_diversity],
        [(t.column, t.t, t.distance == "ordered") for t in privacy.t_closeness],
    )


def microdata_rule(product: MicrodataProduct, source: pl.LazyFrame) -> RecordRule:
    """What the egress gate re-measures on a microdata release, from the policy, not from the
    builder."""
    return RecordRule(source, product.qi_columns(), microdata_models(product))


def microdata_lineage(policy: Policy, product: MicrodataProduct) -> dict[str, Origin]:
    """Where each published column of a microdata product comes from, for the egress gate."""
    qis = set(product.qi_columns())
    lineage: dict[str, Origin] = {}
    for name in product.output_columns():
        col = policy.columns[name]
        role = "quasi_identifier" if name in qis else "record"
        lineage[name] = Origin(role, name, col.category, col.secret)
    return lineage
