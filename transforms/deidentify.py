"""De-identification (去标识化): apply each column's operator in one lazy plan.

Also derives `__subject`, a keyed pseudonym of the person each row is about, so products can
count people without the raw identifier ever reaching them, and `__subject_hash`, that
pseudonym hashed to 64 bits once here, so that products and the gate count distinct people
without hashing the pseudonyms again (it never leaves the domain).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.operators import get_operator
from transforms.operators.pseudonymize import pseudonymize

SUBJECT = "__subject"
SUBJECT_HASH = "__subject_hash"


@dataclass(frozen=True)
class ColumnTreatment:
    """One column's operator with its parameters (secrets already injected by the shell)."""

    name: str
    operator: str
    source_type: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Deidentified:
    """The treated plan and the column that identifies subjects in it (a keyed pseudonym)."""

    frame: pl.LazyFrame
    subject: str | None


def deidentify(
    frame: pl.LazyFrame,
    treatments: Sequence[ColumnTreatment],
    *,
    subject: str | None = None,
    subject_key: bytes | None = None,
    keep: Sequence[str] = (),
) -> Deidentified:
    """The treated frame: dropped columns removed, every other column transformed.

    When the subject column is itself pseudonymised under `subject_key`, that column is the
    subject key; otherwise a hidden `__subject` pseudonym is added (the column may be dropped
    or masked, yet people must still be counted). With a subject, `__subject_hash` is its 64-bit
    hash. Columns in `keep` pass through untouched.

    >>> lf = pl.LazyFrame({"id": ["a", "b"], "age": [34, 71]})
    >>> plan = [ColumnTreatment("id", "drop", "string"),
    ...         ColumnTreatment("age", "generalize", "integer", {"to": "band", "width": 10})]
    >>> out = deidentify(lf, plan, subject="id", subject_key=b"k" * 32)
    >>> out.subject, out.frame.collect().columns
    ('__subject', ['age', '__subject', '__subject_hash'])
    """
    exprs: list[pl.Expr] = []
    subject_column: str | None = None
    for t in treatments:
        expr = get_operator(t.operator)(pl.col(t.name), source_type=t.source_type, **t.params)
        if expr is None:
            continue
        reusable = t.operator == "pseudonymize" and t.params.get("key") == subject_key
        if t.name == subject and reusable:
            subject_column = t.name
        exprs.append(expr.alias(t.name))
    if subject is not None and subject_column is None:
        if subject_key is None:
            raise ValueError("counting subjects needs a pseudonymisation key")
        hidden = pseudonymize(pl.col(subject), source_type="string", key=subject_key)
        exprs.append(hidden.alias(SUBJECT))
        subject_column = SUBJECT
    treated = frame.select(*exprs, *keep)
    if subject_column is not None:
        treated = treated.with_columns(pl.col(subject_column).hash().alias(SUBJECT_HASH))
    return Deidentified(treated, subject_column)
