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
    named, keys = _keys(table)
    hidden = (
        frame[table.suppressed].fill_null(False).cast(pl.Boolean)
        if table.suppressed
        else pl.Series([False] * frame.height, dtype=pl.Boolean)
    )
    parts = []
    for stat in table.statistics:
        name = family(stat.aggregate, stat.column, subject=table.subject, scope=table.scope)
        published = frame[stat.name].cast(pl.Float64)
        truth = (
            table.truth[stat.name].cast(pl.Float64)
            if table.truth is not None and stat.name in table.truth.columns
            else pl.Series([None] * frame.height, dtype=pl.Float64)
        )
        suppressed = hidden | (published.is_null() & (truth.fill_null(0.0) > 0))
        counts_people = name.split("|")[0] == "people"
        parts.append(
            pl.DataFrame(
                {
                    "product": product,
                    "part": part,
                    "row": pl.int_range(frame.height, eager=True),
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


def _keys(table: CellTable) -> tuple[pl.Series, pl.Series]:
    """Each row's dimensions (by source identity, sorted) and key, a total's summed-over
    dimensions left out."""
    frame = table.cells
    dims = sorted(table.dimensions)  # by source identity
    if not dims:
        empty = pl.Series([[]] * frame.height, dtype=pl.List(pl.String))
        return empty, empty
    totalled = (
        frame[table.margin].str.split(",")
        if table.margin
        else pl.Series([None] * frame.height, dtype=pl.List(pl.String))
    )
    columns = {f"t{i}": _texts(frame[out]) for i, (_, out) in enumerate(dims)}
    columns |= {f"m{i}": totalled.list.contains(out).fill_null(False)
                for i, (_, out) in enumerate(dims)}  # fmt: skip
    found = pl.DataFrame(columns).select(
        pl.concat_list(
            pl.when(pl.col(f"m{i}")).then(None).otherwise(pl.lit(src))
            for i, (src, _) in enumerate(dims)
        )
        .list.drop_nulls()
        .alias("dims"),
        pl.concat_list(
            pl.when(pl.col(f"m{i}")).then(None).otherwise(pl.col(f"t{i}")) for i in range(len(dims))
        )
        .list.drop_nulls()
        .alias("key"),
    )
    return found["dims"], found["key"]


def _texts(values: pl.Series) -> pl.Series:
    """`_text` of every value (NULL for a missing one), without Python where the type allows."""
    if values.dtype == pl.String or values.dtype.is_integer():
        return values.cast(pl.String).fill_null(NULL)
    return pl.Series([NULL if v is None else _text(v) for v in values.to_list()], dtype=pl.String)


def _text(value: object) -> str:
    """One spelling per value, whatever type a product published it as (2024 and 2024.0 and
    '2024' are one year)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int):
        return str(value)
    return json.dumps(value, default=str, ensure_ascii=False)
