"""The gate's check of what describes a cell or a record: the text columns whose lineage is a
dimension, a quasi-identifier or a record column (not a measure or a flag; integer columns
are in the gate's pii_scan).

Their values leave with every row, a suppressed cell's and a total's included (a suppressed
cell keeps its row, only its measures are null), so they are read for personal data with the
same detectors as everything else, the opt-in ones too (a landline or a plate in a label is
as personal as a mobile), and for person names (detectors/name_values.py). Each distinct
value is read once (names in at most MAX_VALUES of a column's). A refusal names the column,
what was found and in how many values, never a value.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from transforms.detectors.name_values import count_names
from transforms.detectors.scan import scan_frame
from transforms.gate_check import Check, Origin

DESCRIBING_ROLES = frozenset({"dimension", "quasi_identifier", "record"})
PERSON = "PERSON"
ADVICE = (
    "drop the column from the product (its dimensions or published columns), generalise it "
    "(a hierarchy or categories), or declare it a direct identifier in the policy so that it "
    "is dropped or pseudonymised"
)
_TEXT = (pl.String, pl.Categorical, pl.Enum)


def describing_columns(frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[str]:
    """Text columns whose values describe a cell or a record, in frame order."""
    return [
        name
        for name, dtype in frame.schema.items()
        if (origin := lineage.get(name)) is not None
        and origin.role in DESCRIBING_ROLES
        and isinstance(dtype, _TEXT)
    ]


def _distinct(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Every distinct non-null value of each column, as (column, value) rows."""
    parts = [
        frame.select(pl.col(c).cast(pl.String).alias("value"))
        .unique()
        .drop_nulls()
        .with_columns(column=pl.lit(c))
        for c in columns
    ]
    empty = pl.DataFrame(schema={"value": pl.String, "column": pl.String})
    return pl.concat([empty, *parts]).sort("column", "value")


def _identifiers(values: pl.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (column, entity) found: the distinct values holding it, and those read."""
    if values.is_empty():
        return {}
    found = scan_frame(values.select("value"), extra=True).select("row", "entity")
    rows = values.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), "column")
    read = values.group_by("column").agg(m=pl.len())
    counts = (
        found.join(rows, on="row")
        .group_by("column", "entity")
        .agg(n=pl.col("row").n_unique())
        .join(read, on="column")
        .sort("column", "entity")
    )
    return {(c, e): (n, m) for c, e, n, m in counts.iter_rows()}


def dimension_values(frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> Check:
    """No identifier and no person name in the values of a release's describing columns."""
    columns = describing_columns(frame, lineage)
    values = _distinct(frame, columns)
    found = _identifiers(values)
    for column in columns:
        names = count_names(values.filter(pl.col("column") == column)["value"])
        if names.holds_names:
            found[(column, PERSON)] = (names.names, names.checked)
    problems = [
        f"column '{c}' ({lineage[c].role}) holds {entity} in {n} of the {m} distinct values read"
        for c in columns
        for (col, entity), (n, m) in found.items()
        if col == c
    ]
    figures = {"columns": columns, "values_scanned": values.height, "findings": len(problems)}
    detail = "; ".join(problems) + (f": {ADVICE}" if problems else "")
    return Check("dimension_values", not problems, figures, detail)
