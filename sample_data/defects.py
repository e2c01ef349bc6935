"""Deliberately malformed rows, as real department CSV exports contain them.

The ingest stage must quarantine these instead of crashing or silently coercing; the ground truth
(`_truth/defects.csv`) says exactly which physical lines are bad and why.
"""

from __future__ import annotations

import numpy as np
import polars as pl

KINDS = ("missing_field", "extra_field", "bad_number", "bad_date")
DESCRIPTIONS = {
    "missing_field": "trailing field jfnd cut off (11 of 12 fields)",
    "extra_field": "unquoted comma inside xm adds a 13th field",
    "bad_number": "jfjs is not a number (待核定)",
    "bad_date": "csrq is an impossible date (2025-02-30)",
}
CUT_COLUMN = "_cut"  # rows whose last field is dropped when the line is assembled


def count(rows: int) -> int:
    """How many malformed rows a file of `rows` data rows gets."""
    return min(rows, max(3, rows // 2000))


def plant_social_insurance(
    rng: np.random.Generator, frame: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Corrupt a few rows in place (row count unchanged); returns the frame and the truth table.

    Adds the boolean column CUT_COLUMN, which the writer uses to drop the last field.
    """
    n = frame.height
    k = count(n)
    pos = np.sort(rng.choice(n, size=k, replace=False))
    kinds = rng.permutation(np.arange(k) % len(KINDS))
    mask = {kind: np.zeros(n, dtype=bool) for kind in KINDS}
    for i, kind in enumerate(KINDS):
        mask[kind][pos[kinds == i]] = True
    frame = frame.with_columns(
        pl.when(pl.Series(mask["extra_field"]))
        .then(pl.concat_str([pl.col("xm"), pl.lit(",代缴")]))
        .otherwise(pl.col("xm"))
        .alias("xm"),
        pl.when(pl.Series(mask["bad_number"]))
        .then(pl.lit("待核定"))
        .otherwise(pl.col("jfjs"))
        .alias("jfjs"),
        pl.when(pl.Series(mask["bad_date"]))
        .then(pl.lit("2025-02-30"))
        .otherwise(pl.col("csrq"))
        .alias("csrq"),
        pl.Series(CUT_COLUMN, mask["missing_field"]),
    )
    kind_names = [KINDS[i] for i in kinds]
    truth = pl.DataFrame(
        {
            "resource": ["social_insurance"] * k,
            "line": pos + 2,  # header is line 1, no embedded newlines
            "kind": kind_names,
            "description": [DESCRIPTIONS[kind] for kind in kind_names],
        },
        schema={
            "resource": pl.String,
            "line": pl.Int64,
            "kind": pl.String,
            "description": pl.String,
        },
    )
    return frame, truth


def empty_truth() -> pl.DataFrame:
    """The defects table when defects are switched off."""
    return pl.DataFrame(
        schema={
            "resource": pl.String,
            "line": pl.Int64,
            "kind": pl.String,
            "description": pl.String,
        }
    )
