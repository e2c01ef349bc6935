"""De-identification (去标识化): apply each column's operator in one lazy plan.

Also derives `__subject`, a keyed pseudonym of the person each row is about, so products can
count people without the raw identifier ever reaching them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.operators import get_operator
from transforms.operators.pseudonymize import pseudonymize

SUBJECT = "__subject"


@dataclass(frozen=True)
class ColumnTreatment:
    """One column's operator with its parameters (secrets already injected by the shell)."""

    name: str
    operator: str
    source_type: str
    params: Mapping[str, object] = field(default_factory=dict)


def deidentify(
    frame: pl.LazyFrame,
    treatments: Sequence[ColumnTreatment],
    *,
    subject: str | None = None,
    subject_key: bytes | None = None,
) -> pl.LazyFrame:
    """The treated frame: dropped columns removed, every other column transformed.

    >>> lf = pl.LazyFrame({"id": ["a", "b"], "age": [34, 71]})
    >>> plan = [ColumnTreatment("id", "drop", "string"),
    ...         ColumnTreatment("age", "generalize", "integer", {"to": "band", "width": 10})]
    >>> deidentify(lf, plan).collect()["age"].to_list()
    ['30-39', '70-79']
    """
    exprs: list[pl.Expr] = []
    reuse_subject: str | None = None
    for t in treatments:
        expr = get_operator(t.operator)(pl.col(t.name), source_type=t.source_type, **t.params)
        if expr is None:
            continue
        if (
            t.name == subject
            and t.operator == "pseudonymize"
            and t.params.get("key") == subject_key
        ):
            reuse_subject = t.name
        exprs.append(expr.alias(t.name))
    if subject is not None:
        if reuse_subject is not None:
            return frame.select(exprs).with_columns(pl.col(reuse_subject).alias(SUBJECT))
        if subject_key is None:
            raise ValueError("counting subjects needs a pseudonymisation key")
        exprs.append(
            pseudonymize(pl.col(subject), source_type="string", key=subject_key).alias(SUBJECT)
        )
    return frame.select(exprs)
