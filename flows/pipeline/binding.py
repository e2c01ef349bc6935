"""Binds a resource's column specs (governance) to the privacy core's plain parameters
(transforms): how each column parses and is checked, and its operator with keys injected at
run time. Products bind their own specs in their kinds (flows/kinds/)."""

from __future__ import annotations

from collections.abc import Callable

from governance.policy.models import Policy
from transforms.deidentify import ColumnTreatment
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
        if col.treatment.operator in ("pseudonymize", "redact") and params.get("key"):
            params["key"] = load_key(str(params["key"]))
        if col.treatment.needs_subject:
            params.update(key=load_key(str(params["key"])), by=policy.resource.subject)
            params["purpose"] = name
        if col.treatment.operator == "generalize" and params.get("reference_date") is None:
            params["reference_date"] = policy.reference_date
        out.append(ColumnTreatment(name, col.treatment.operator, col.type, params))
    return out
