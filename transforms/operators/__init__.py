"""De-identification operators: one function per treatment, chosen by the name a policy uses.

Each takes the column expression, the column's declared type (`source_type`) and its keyword
parameters, and returns the treated expression (or None when the column is removed).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from transforms.errors import TransformError
from transforms.operators.date_shift import date_shift
from transforms.operators.drop import drop
from transforms.operators.generalize import generalize
from transforms.operators.keep import keep
from transforms.operators.mask import mask
from transforms.operators.noise import noise
from transforms.operators.pseudonymize import pseudonymize
from transforms.operators.redact import redact
from transforms.operators.round_to import round_to
from transforms.operators.top_bottom_code import top_bottom_code

Operator = Callable[..., pl.Expr | None]

OPERATORS: dict[str, Operator] = {
    "keep": keep,
    "drop": drop,
    "mask": mask,
    "pseudonymize": pseudonymize,
    "generalize": generalize,
    "top_bottom_code": top_bottom_code,
    "round": round_to,
    "date_shift": date_shift,
    "noise": noise,
    "redact": redact,
}


def get_operator(name: str) -> Operator:
    """The operator registered under `name`."""
    try:
        return OPERATORS[name]
    except KeyError:
        known = ", ".join(sorted(OPERATORS))
        raise TransformError(f"unknown operator '{name}'; known: {known}") from None
