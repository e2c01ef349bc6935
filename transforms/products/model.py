"""Data model product (数据模型): an aggregated table whose every published cell covers at least
`min_group_size` people. Smaller cells keep their row, with null measures and `suppressed` set."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.errors import TransformError
from transforms.exact_sum import exact_mean, exact_sum
from transforms.products.secondary import secondary_suppression

SUPPRESSED = "suppressed"
MARGIN = "margin"
CELL_SUBJECTS = "__cell_subjects"
COUNT = "__n"
ALL_ROWS = "__all"
ROWS = "__rows"
LEVEL = "__level"
EXACT = "__exact_"
CELL = "__cell"


@dataclass(frozen=True)
class Dim:
    """A group-by column and the name it is published under."""

    column: str
    output: str


@dataclass(frozen=True)
class Stat:
    """A published statistic: count, count_subjects, sum, mean or median of a column."""

    name: str
    agg: str
    column: str | None = None
    round: int | None = None


def build_model(
    frame: pl.LazyFrame,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    min_group_size: int,
    subject: str | None = None,
    subject_hash: str | None = None,
    margins: Sequence[str] = (),
) -> pl.LazyFrame:
    """Group, aggregate, and suppress every cell below `min_group_size` subjects.

    People are distinct values of the `subject` column (counted through a 64-bit hash, which can
    only merge two people, never split one, so a collision makes suppression stricter; a column
    `subject_hash` holding that hash already spares hashing again); without a subject, each row
    is a person. Medians are exact, computed from per-cell value counts so that memory follows
    the number of distinct values, not of rows.

    With `margins` (output names of some dimensions), the table also holds their totals: one
    row per combination of the other dimensions for every non-empty subset of the margin
    dimensions, those dimensions null and `margin` naming them ("city,sex"); cells have a null
    `margin`. Totals can give a suppressed cell away by subtraction, so such a table keeps the
    people count (`__cell_subjects`) for `protect_margins`, which suppresses further cells and
    drops it.

    >>> lf = pl.LazyFrame({"d": ["a"] * 3 + ["b"], "x": [1.0, 2.0, 3.0, 9.0]})
    >>> out = build_model(lf, dims=[Dim("d", "d")], stats=[Stat("n", "count"),
    ...     Stat("m", "median", "x")], min_group_size=2).collect()
    >>> out.rows()
    [('a', 3, 2.0, False), ('b', None, None, True)]
    """
    shape = {"dims": dims, "stats": stats, "margins": margins}
    tally = tally_model(frame, subject=subject, subject_hash=subject_hash, **shape)
    return model_from_tally(tally, min_group_size=min_group_size, **shape)


def tally_model(
    frame: pl.LazyFrame,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    subject: str | None = None,
    subject_hash: str | None = None,
    margins: Sequence[str] = (),
) -> pl.DataFrame:
    """Every cell of a model at every level of totals, counted once from the rows: its
    statistics before suppression, its people (`__cell_subjects`), its rows (`__rows`), the
    exact sum of each sum statistic (`__exact_<name>`), and its level (`__level`: the margin,
    null for cells). The table, the exact values the release ledger keeps and the gate's
    recount all read this one aggregate, so the rows are aggregated once per build.

    >>> lf = pl.LazyFrame({"d": ["a", "a", "b"], "p": ["x", "x", "y"], "v": [1, 2, 5]})
    >>> t = tally_model(lf, dims=[Dim("d", "d")], stats=[Stat("s", "sum", "v")], subject="p",
    ...                 margins=["d"])
    >>> t.select("d", "__level", "s", "__cell_subjects", "__rows").rows()
    [('a', None, 3, 1, 2), ('b', None, 5, 1, 1), (None, 'd', 8, 2, 3)]
    """
    cells = model_cells_frame(
        frame, dims=dims, stats=stats, subject=subject, subject_hash=subject_hash
    )
    schema = cells.collect_schema()
    keys = [d.output for d in dims]
    levels = []
    for by in total_levels(keys, margins):
        totalled = [k for k in keys if k not in by]
        level = _tally_level(cells, by, stats, people=subject is not None)
        levels.append(
            level.select(
                *(pl.col(k) if k in by else pl.lit(None, dtype=schema[k]).alias(k) for k in keys),
                pl.lit(",".join(totalled) or None, dtype=pl.String).alias(LEVEL),
                pl.exclude(*keys),
            ).sort(keys, nulls_last=True)
        )
    return pl.concat(levels)


def model_from_tally(
    tally: pl.DataFrame,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    min_group_size: int,
    margins: Sequence[str] = (),
) -> pl.LazyFrame:
    """The model's table (as `build_model` makes it) from its `tally_model`."""
    keys = [d.output for d in dims]

    def level(by: list[str]) -> pl.LazyFrame:
        label = ",".join(k for k in keys if k not in by) or None
        rows = tally.lazy().filter(pl.col(LEVEL).eq_missing(label))
        return rows.select(*by, *(s.name for s in stats), CELL_SUBJECTS)

    shape = {"dims": dims, "stats": stats, "min_group_size": min_group_size}
    return assemble_model(level, tally.schema, margins=margins, **shape)


def tally_values(
    table: pl.DataFrame,
    tally: pl.DataFrame,
    *,
    keys: Sequence[str],
    statistics: Sequence[tuple[str, str]],
    margin: str | None = None,
) -> pl.DataFrame:
    """The exact value of each additive statistic ((name, aggregate) pairs: counts and sums),
    row for row with a table made from `tally`, each total row at its own level; what
    `transforms.linked.truth.exact_values` recounts from the rows, read from the tally.

    >>> lf = pl.LazyFrame({"d": ["a", "b", "b"]})
    >>> t = tally_model(lf, dims=[Dim("d", "d")], stats=[Stat("n", "count")])
    >>> tally_values(pl.DataFrame({"d": ["b", "a"]}), t, keys=["d"], statistics=[("n", "count")])
    shape: (2, 1)
    ┌─────┐
    │ n   │
    │ --- │
    │ i64 │
    ╞═════╡
    │ 2   │
    │ 1   │
    └─────┘
    """
    sources = {"count_subjects": CELL_SUBJECTS, "count": ROWS}
    found = {
        name: pl.col(EXACT + name if agg == "sum" else sources[agg])
        for name, agg in statistics
        if agg in ("count_subjects", "count", "sum")
    }
    if not found:
        return pl.DataFrame()
    level = pl.col(margin) if margin else pl.lit(None, dtype=pl.String)
    rows = table.select(*keys, level.alias(LEVEL)).with_row_index("__row")
    counted = tally.select(*keys, LEVEL, *(e.alias(n) for n, e in found.items()))
    joined = rows.join(counted, on=[*keys, LEVEL], how="left", nulls_equal=True).sort("__row")
    return joined.select(pl.col(n).fill_null(0) for n in found)


def _tally_level(
    cells: pl.LazyFrame, by: list[str], stats: Sequence[Stat], *, people: bool
) -> pl.DataFrame:
    """One level's cells: counts, sums and means grouped by the dimension values; distinct
    people and value counts grouped by one 64-bit hash of them, which polars holds in far less
    memory than several string keys (or by the values, should two cells' hashes collide), both
    in one pass."""
    if not by:  # the grand total: one group of everything
        cells, by = cells.with_columns(pl.lit(0).alias(ALL_ROWS)), [ALL_ROWS]
    cell = pl.struct(by).hash().alias(CELL)
    floats = {c for c, dtype in cells.collect_schema().items() if dtype.is_float()}
    plain = (
        cells.group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias(ROWS),
            *(_agg(s, floats) for s in stats if s.agg not in ("median", "count_subjects")),
            *(exact_sum(s.column).alias(EXACT + s.name) for s in stats if s.agg == "sum"),
        )
        .collect(engine="streaming")
        .with_columns(cell)
    )
    hashed = plain[CELL].n_unique() == plain.height
    on, keyed = ([CELL], cells.with_columns(cell)) if hashed else (by, cells)
    plans = []  # in one pass over the rows, sharing the scan and the cells' hash
    if people:
        count = pl.col(CELL_SUBJECTS).n_unique().cast(pl.Int64).alias(CELL_SUBJECTS)
        plans.append(keyed.group_by(on).agg(count))
    else:
        plain = plain.with_columns(pl.col(ROWS).alias(CELL_SUBJECTS))
    for stat in stats:
        if stat.agg == "median":
            median = rounded(exact_median(keyed, on, stat.column), stat)
            plans.append(median.rename({stat.column: stat.name}))
    for found in pl.collect_all(plans, engine="streaming") if plans else []:
        plain = plain.join(found, on=on, how="left", nulls_equal=True)
    counted = (pl.col(CELL_SUBJECTS).alias(s.name) for s in stats if s.agg == "count_subjects")
    return plain.with_columns(counted).drop(CELL, ALL_ROWS, strict=False)


def model_cells_frame(
    frame: pl.LazyFrame,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    subject: str | None,
    subject_hash: str | None = None,
) -> pl.LazyFrame:
    """The columns a model reads: dimensions under their published names, the statistics'
    columns, and the people as a 64-bit hash of the subject (`subject_hash` when the rows
    carry it already)."""
    people = [pl.col(subject_hash) if subject_hash else pl.col(subject).hash()] if subject else []
    return frame.select(
        *(pl.col(d.column).alias(d.output) for d in dims),
        *({s.column for s in stats if s.column}),
        *(p.alias(CELL_SUBJECTS) for p in people),
    )


def total_levels(keys: Sequence[str], margins: Sequence[str]) -> list[list[str]]:
    """The group-by keys of every level of a table: the cells, then one level per non-empty
    subset of the margin dimensions (those left out)."""
    unknown = [m for m in margins if m not in keys]
    if unknown:
        raise TransformError(f"margins {', '.join(unknown)} are not dimensions ({', '.join(keys)})")
    totalled = [()] + [
        combo for n in range(1, len(margins) + 1) for combo in itertools.combinations(margins, n)
    ]
    return [[k for k in keys if k not in t] for t in totalled]


def assemble_model(
    aggregate: Callable[[list[str]], pl.LazyFrame],
    schema: pl.Schema,
    *,
    dims: Sequence[Dim],
    stats: Sequence[Stat],
    min_group_size: int,
    margins: Sequence[str] = (),
) -> pl.LazyFrame:
    """The model's table from `aggregate(keys)`, one level's cells with their statistics and
    `__cell_subjects`: levels stacked, small cells suppressed, rows in their published order."""
    if min_group_size < 2:
        raise TransformError("min_group_size must be at least 2")
    keys = [d.output for d in dims]
    tables = []
    for by in total_levels(keys, margins):
        table = aggregate(by)
        if margins:
            totalled = [k for k in keys if k not in by]
            table = table.with_columns(
                *(pl.lit(None, dtype=schema[k]).alias(k) for k in totalled),
                pl.lit(",".join(totalled) or None, dtype=pl.String).alias(MARGIN),
            )
        tables.append(table.select(*keys, *(s.name for s in stats), CELL_SUBJECTS, *(
            [MARGIN] if margins else [])))  # fmt: skip
    table = pl.concat(tables) if len(tables) > 1 else tables[0]
    small = pl.col(CELL_SUBJECTS) < min_group_size
    order = [pl.col(MARGIN).is_not_null(), MARGIN, *keys] if margins else keys
    return table.select(
        *keys,
        *(pl.when(small).then(None).otherwise(pl.col(s.name)).alias(s.name) for s in stats),
        small.alias(SUPPRESSED),
        *([MARGIN, CELL_SUBJECTS] if margins else []),
    ).sort(order, nulls_last=True)


def protect_margins(
    table: pl.DataFrame, *, dims: Sequence[str], stats: Sequence[Stat]
) -> pl.DataFrame:
    """Secondary suppression of a table `build_model` made with margins (collected): cells are
    suppressed until no suppressed one can be worked out from the published rows and totals;
    the people count is dropped.

    >>> lf = pl.LazyFrame({"d": ["a", "a", "b", "b", "b", "c", "c", "c"]})
    >>> t = build_model(lf, dims=[Dim("d", "d")], stats=[Stat("n", "count")],
    ...                 min_group_size=2, margins=["d"]).collect()
    >>> t.filter(pl.col("margin").is_null())["suppressed"].to_list()
    [False, False, False]
    >>> small = pl.LazyFrame({"d": ["a", "b", "b", "c", "c", "c"]})
    >>> t = build_model(small, dims=[Dim("d", "d")], stats=[Stat("n", "count")],
    ...                 min_group_size=2, margins=["d"]).collect()
    >>> protect_margins(t, dims=["d"], stats=[Stat("n", "count")]).rows()
    [('a', None, True, None), ('b', None, True, None), ('c', 3, False, None), (None, 6, False, 'd')]
    """
    flags = secondary_suppression(
        table, dims, suppressed=SUPPRESSED, margin=MARGIN, size=CELL_SUBJECTS
    )
    return (
        table.with_columns(flags)
        .with_columns(
            pl.when(pl.col(SUPPRESSED)).then(None).otherwise(pl.col(s.name)).alias(s.name)
            for s in stats
        )
        .drop(CELL_SUBJECTS)
    )


def show_rows(
    table: pl.DataFrame, unsuppressed: pl.DataFrame, rows: set[int], stats: Sequence[Stat]
) -> pl.DataFrame:
    """Publish the given rows after all, with their values from `unsuppressed` (the same rows
    before secondary suppression): complements another release already publishes.

    >>> t = pl.DataFrame({"d": ["a", "b"], "n": [12, None], "suppressed": [False, True]})
    >>> raw = t.with_columns(pl.Series("n", [12, 15]), pl.lit(False).alias("suppressed"))
    >>> show_rows(t, raw, {1}, [Stat("n", "count")]).rows()
    [('a', 12, False), ('b', 15, False)]
    """
    if not rows:
        return table
    mark = pl.int_range(pl.len()).is_in(sorted(rows))
    return table.with_columns(
        (pl.col(SUPPRESSED) & ~mark).alias(SUPPRESSED),
        *(
            pl.when(mark).then(unsuppressed[s.name]).otherwise(pl.col(s.name)).alias(s.name)
            for s in stats
        ),
    )


def hide_rows(table: pl.DataFrame, rows: set[int], stats: Sequence[Stat]) -> pl.DataFrame:
    """Suppress the given rows too (their measures null): the cells protection of linked
    tables asks this table to hide.

    >>> t = pl.DataFrame({"d": ["a", "b"], "n": [12, 15], "suppressed": [False, False]})
    >>> hide_rows(t, {1}, [Stat("n", "count")]).rows()
    [('a', 12, False), ('b', None, True)]
    """
    if not rows:
        return table
    mark = pl.int_range(pl.len()).is_in(sorted(rows))
    return table.with_columns(
        (pl.col(SUPPRESSED) | mark).alias(SUPPRESSED),
        *(pl.when(mark).then(None).otherwise(pl.col(s.name)).alias(s.name) for s in stats),
    )


def exact_median(frame: pl.LazyFrame, keys: list[str], column: str) -> pl.LazyFrame:
    """Per-cell median (mean of the two middle values for an even count), from value counts.

    >>> lf = pl.LazyFrame({"k": ["a", "a", "a", "a", "b"], "v": [1, 5, 3, 3, None]})
    >>> exact_median(lf, ["k"], "v").sort("k").collect().rows()
    [('a', 3.0)]
    """
    return median_of_counts(value_counts(frame, keys, column), keys, column)


def value_counts(frame: pl.LazyFrame, keys: list[str], column: str) -> pl.LazyFrame:
    """How often each non-null value of `column` occurs in each cell (`__n`)."""
    return (
        frame.filter(pl.col(column).is_not_null())
        .group_by(*keys, column)
        .agg(pl.len().alias(COUNT))
    )


def median_of_counts(counts: pl.LazyFrame, keys: list[str], column: str) -> pl.LazyFrame:
    """Per-cell median from `value_counts` (or from several partitions' counts, summed)."""
    counts = counts.sort([*keys, column], nulls_last=True).with_columns(
        pl.col(COUNT).cum_sum().over(keys).alias("__upto"),
        pl.col(COUNT).sum().over(keys).alias("__total"),
    )
    low = counts.filter(pl.col("__upto") > (pl.col("__total") - 1) // 2)
    high = counts.filter(pl.col("__upto") > pl.col("__total") // 2)
    return (
        low.group_by(keys)
        .agg(pl.col(column).min().alias("__low"))
        .join(
            high.group_by(keys).agg(pl.col(column).min().alias("__high")),
            on=keys,
            nulls_equal=True,
        )
        .select(*keys, ((pl.col("__low") + pl.col("__high")) / 2).alias(column))
    )


def rounded(frame: pl.LazyFrame, stat: Stat) -> pl.LazyFrame:
    if stat.round is None:
        return frame
    return frame.with_columns(pl.col(stat.column).round(stat.round))


def _agg(stat: Stat, floats: set[str]) -> pl.Expr:
    """One statistic of a cell; sums and means of floats whatever order the rows come in
    (see transforms.exact_sum), so a mean on a rounding tie rounds the same in every build."""
    if stat.agg == "count":
        expr = pl.len().cast(pl.Int64)
    elif stat.agg == "sum" and stat.column in floats:
        expr = exact_sum(stat.column)
    elif stat.agg == "mean":
        expr = exact_mean(stat.column)
    elif stat.agg == "sum":
        expr = pl.col(stat.column).sum()
    else:
        raise TransformError(f"unknown aggregation '{stat.agg}'")
    if stat.round is not None:
        expr = expr.round(stat.round)
    return expr.alias(stat.name)
