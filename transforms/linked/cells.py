"""Table releases as linked cells: one row per published cell and additive statistic, keyed so
that the same cell in two products is the same row key, whatever each publishes it as.

A dimension is named by where its values come from (the de-identified source column, with a
scale when the values were rescaled, e.g. `xzqh@province`), not by its published name, so
`city` in one product and `region` in another are one dimension. Exact values (`truth`) stay
inside the domain: the ledger keeps them to audit later releases against this one.
"""

from __future__ import annotations

import json

import polars as pl

from transforms.footprint import CellTable
from transforms.linked.system import NULL, additive

SCHEMA = {
    "product": pl.String,
    "part": pl.Int64,
    "row": pl.Int64,
    "family": pl.String,
    "additive": pl.Boolean,
    "dims": pl.List(pl.String),
    "key": pl.List(pl.String),
    "published": pl.Float64,
    "truth": pl.Float64,
    "suppressed": pl.Boolean,
    "threshold": pl.Int64,
    "width": pl.Float64,
    "candidate": pl.Boolean,
}


def family(
    aggregate: str, column: str | None, *, subject: bool = True, scope: str | None = None
) -> str:
    """The statistic family of a published measure: what adds up with what.

    >>> family("count_subjects", None), family("sum", "jfys"), family("count", None, subject=False)
    ('people', 'sum:jfys', 'people')
    """
    if aggregate == "count_subjects" or (aggregate == "count" and not subject):
        name = "people"
    elif aggregate == "count":
        name = "rows"
    else:
        name = f"{aggregate}:{column}"
    return f"{name}|{scope}" if scope else name


def linked_cells(
    table: CellTable, product: str, part: int, *, candidate: bool = False
) -> pl.DataFrame:
    """The linked cells of one table part (its published values beside its exact ones)."""
    frame = table.cells
    dims = sorted(table.dimensions)  # by source identity
    margins = frame[table.margin].to_list() if table.margin else [None] * frame.height
    hidden = frame[table.suppressed].to_list() if table.suppressed else [False] * frame.height
    keys, named = [], []
    values = frame.select(out for _, out in dims).rows() if dims else [()] * frame.height
    for margin, row in zip(margins, values, strict=True):
        totalled = set(margin.split(",")) if margin else set()
        kept = [(src, v) for (src, out), v in zip(dims, row, strict=True) if out not in totalled]
        named.append([src for src, _ in kept])
        keys.append([NULL if v is None else _text(v) for _, v in kept])
    parts = []
    for stat in table.statistics:
        name = family(stat.aggregate, stat.column, subject=table.subject, scope=table.scope)
        published = frame[stat.name].cast(pl.Float64)
        truth = (
            table.truth[stat.name].cast(pl.Float64)
            if table.truth is not None and stat.name in table.truth.columns
            else pl.Series([None] * frame.height, dtype=pl.Float64)
        )
        suppressed = [
            bool(h) or (p is None and (t or 0) > 0)
            for h, p, t in zip(hidden, published.to_list(), truth.to_list(), strict=True)
        ]
        counts_people = name.split("|")[0] == "people"
        parts.append(
            pl.DataFrame(
                {
                    "product": product,
                    "part": part,
                    "row": range(frame.height),
                    "family": name,
                    "additive": additive(name) and table.exact,
                    "dims": named,
                    "key": keys,
                    "published": published,
                    "truth": truth,
                    "suppressed": suppressed,
                    "threshold": table.min_group_size if counts_people else None,
                    "width": table.width if counts_people else None,
                    "candidate": candidate,
                },
                schema=SCHEMA,
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=SCHEMA)


def _text(value: object) -> str:
    """One spelling per value, whatever type a product published it as (2024 and 2024.0 and
    '2024' are one year)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int):
        return str(value)
    return json.dumps(value, default=str, ensure_ascii=False)
