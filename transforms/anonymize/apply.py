"""Publish a chosen node: generalise every QI to its level and remove suppressed records."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from transforms.anonymize.encode import check_inputs
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.models import KAnonymity

SUPPRESSED = "_suppressed"


def generalize_frame(
    frame: pl.DataFrame, hierarchies: Mapping[str, Hierarchy], levels: Mapping[str, int]
) -> pl.DataFrame:
    """Replace each QI value by its generalisation at the node's level (QIs become strings)."""
    check_inputs(frame, hierarchies)
    exprs = []
    for column, hierarchy in hierarchies.items():
        level = levels.get(column)
        if level is None or not 0 <= level <= hierarchy.height:
            raise AnonymizationError(
                f"level for '{column}' must be within 0..{hierarchy.height}, got {level}"
            )
        mapping = hierarchy.levels[level]
        exprs.append(
            pl.col(column)
            .cast(pl.String)
            .replace_strict(list(mapping), list(mapping.values()), return_dtype=pl.String)
        )
    return frame.with_columns(exprs)


def apply_node(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    levels: Mapping[str, int],
    k: int,
    *,
    drop_suppressed: bool = True,
) -> pl.DataFrame:
    """Generalise, then suppress classes smaller than k: dropped, or kept with a boolean
    ``_suppressed`` column when the caller wants to audit them.

    >>> h = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
    >>> df = pl.DataFrame({"sex": ["M", "F", "F"]})
    >>> apply_node(df, {"sex": h}, {"sex": 0}, k=2)["sex"].to_list()
    ['F', 'F']
    """
    KAnonymity(k)
    qis = list(hierarchies)
    out = generalize_frame(frame, hierarchies, levels).with_columns(
        (pl.len().over(qis) < k).alias(SUPPRESSED)
    )
    if drop_suppressed:
        return out.filter(~pl.col(SUPPRESSED)).drop(SUPPRESSED)
    return out
