"""Evaluation index (评价指数): indicators per region and period, normalised, weighted, combined.

Each indicator is an aggregate over one resource's de-identified rows, counted per (region,
period) cell together with the people behind it; a cell covering fewer than `min_group_size`
people is suppressed (its value is null) and so is every ratio and composite that would need
it. Scores are normalised over the published values only, so a suppressed value cannot be read
back from a score's range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from transforms.errors import TransformError
from transforms.exact_sum import exact_mean, exact_sum
from transforms.products.model import exact_median

REGION = "region"
PERIOD = "period"
VALUE = "value"
SUBJECTS = "subjects"
INDEX = "index"
MISSING = "inputs_suppressed"
SCORE_SUFFIX = "_score"

Aggregate = Literal["count", "count_subjects", "sum", "mean", "median"]


@dataclass(frozen=True)
class Component:
    """One published indicator and its part in the composite.

    `per` names another indicator to divide by (times `per_scale`, e.g. per 10,000 people);
    `weight` 0 publishes the indicator without letting it into the composite.
    """

    id: str
    direction: Literal["positive", "negative"] = "positive"
    weight: float = 1.0
    per: str | None = None
    per_scale: float = 1.0


def indicator_cells(
    frame: pl.LazyFrame,
    *,
    region: pl.Expr,
    period: pl.Expr,
    aggregate: Aggregate,
    column: str | None = None,
    subject: str | None = None,
    where: pl.Expr | None = None,
) -> pl.LazyFrame:
    """One indicator's value and people per (region, period); rows without a region or period
    are left out (they belong to no cell).

    >>> lf = pl.LazyFrame({"r": ["a", "a", "b", None], "y": [1, 1, 1, 1], "x": [2, 4, 6, 8]})
    >>> indicator_cells(lf, region=pl.col("r"), period=pl.col("y"), aggregate="sum",
    ...     column="x").sort("region").collect().rows()
    [('a', 1, 6.0, 2), ('b', 1, 6.0, 1)]
    """
    if aggregate != "count" and aggregate != "count_subjects" and column is None:
        raise TransformError(f"aggregate '{aggregate}' needs a column")
    if where is not None:
        frame = frame.filter(where)
    keyed = frame.select(
        region.cast(pl.String).alias(REGION),
        period.alias(PERIOD),
        *([pl.col(column)] if column else []),
        *([pl.col(subject).hash().alias("__subject")] if subject else []),
    ).filter(pl.col(REGION).is_not_null() & pl.col(PERIOD).is_not_null())
    people = (pl.col("__subject").n_unique() if subject else pl.len()).cast(pl.Int64)
    keys = [REGION, PERIOD]
    if aggregate == "median":
        counts = keyed.group_by(keys).agg(people.alias(SUBJECTS))
        medians = exact_median(keyed, keys, column).rename({column: VALUE})  # type: ignore[arg-type]
        return counts.join(medians, on=keys, how="left").select(
            *keys, pl.col(VALUE).cast(pl.Float64), SUBJECTS
        )
    if aggregate == "count":
        value = pl.len()
    elif aggregate == "count_subjects":
        value = people
    elif aggregate == "sum":  # the same whatever order the rows come in
        value = exact_sum(column)  # type: ignore[arg-type]
    else:
        value = exact_mean(column)  # type: ignore[arg-type]
    return keyed.group_by(keys).agg(value.cast(pl.Float64).alias(VALUE), people.alias(SUBJECTS))


def compose_index(
    cells: Mapping[str, pl.DataFrame],
    components: Sequence[Component],
    *,
    min_group_size: int,
    normalisation: Literal["min_max", "z_score"] = "min_max",
    scale: float = 100.0,
    hidden: Mapping[str, set[tuple[object, object]]] | None = None,
) -> pl.DataFrame:
    """Publishable index table: per (region, period) each indicator's value (null when
    suppressed), its normalised score, the weighted composite and how many inputs were
    suppressed. The composite is null unless every weighted score is present. Scores are
    rounded to 6 decimals and the composite to 4: enough to rank, without float noise.
    `hidden` names (region, period) cells of an indicator to suppress besides the small ones
    (what the protection of linked tables asks); a ratio over a hidden value is hidden too.

    >>> cells = {"a": pl.DataFrame({"region": ["x", "y", "z"], "period": [1, 1, 1],
    ...     "value": [1.0, 3.0, 9.0], "subjects": [20, 20, 3]})}
    >>> compose_index(cells, [Component("a")], min_group_size=10)["index"].to_list()
    [0.0, 100.0, None]
    """
    if min_group_size < 2:
        raise TransformError("min_group_size must be at least 2")
    _check_components(cells, components)
    table = _values(cells, components, min_group_size, hidden or {})
    weighted = [c for c in components if c.weight > 0]
    if not weighted:
        raise TransformError("at least one indicator needs a weight above 0")
    total = sum(c.weight for c in weighted)
    table = table.with_columns(
        _score(pl.col(c.id), c.direction, normalisation).round(6).alias(c.id + SCORE_SUFFIX)
        for c in weighted
    )
    composite = pl.sum_horizontal(
        pl.col(c.id + SCORE_SUFFIX) * (c.weight / total) for c in weighted
    ) * pl.lit(scale)
    complete = pl.all_horizontal(pl.col(c.id + SCORE_SUFFIX).is_not_null() for c in weighted)
    return (
        table.with_columns(pl.when(complete).then(composite.round(4)).otherwise(None).alias(INDEX))
        .select(
            REGION,
            PERIOD,
            *[c.id for c in components],
            *[c.id + SCORE_SUFFIX for c in weighted],
            INDEX,
            MISSING,
        )
        .sort(PERIOD, REGION)
    )


def _check_components(cells: Mapping[str, pl.DataFrame], components: Sequence[Component]) -> None:
    ids = [c.id for c in components]
    if len(set(ids)) != len(ids):
        raise TransformError("indicator ids must be unique")
    for c in components:
        for needed in (c.id, c.per):
            if needed is not None and needed not in cells:
                raise TransformError(f"indicator '{c.id}' needs cells of '{needed}'")


def _values(
    cells: Mapping[str, pl.DataFrame],
    components: Sequence[Component],
    min_group_size: int,
    hidden: Mapping[str, set[tuple[object, object]]],
) -> pl.DataFrame:
    """Every (region, period) any indicator has, with each component's published value."""
    keys = [REGION, PERIOD]
    frames = {name: frame.select(*keys, VALUE, SUBJECTS) for name, frame in cells.items()}
    grid = pl.concat([f.select(keys) for f in frames.values()]).unique()
    table = grid
    for name, frame in frames.items():
        table = table.join(
            frame.rename({VALUE: f"__v_{name}", SUBJECTS: f"__n_{name}"}), on=keys, how="left"
        )
    shown = []
    for c in components:
        inputs = [c.id] if c.per is None else [c.id, c.per]
        enough = pl.all_horizontal(
            pl.col(f"__n_{i}").fill_null(0) >= min_group_size for i in inputs
        )
        for i in inputs:
            if hidden.get(i):
                enough = enough & ~pl.concat_str(keys, separator="\x1f").is_in(
                    ["\x1f".join(map(str, k)) for k in hidden[i]]
                )
        value = pl.col(f"__v_{c.id}")
        if c.per is not None:
            denominator = pl.col(f"__v_{c.per}")
            value = pl.when(denominator > 0).then(value / denominator * c.per_scale)
        shown.append(pl.when(enough).then(value).otherwise(None).alias(c.id))
    suppressed = pl.sum_horizontal(
        (pl.col(f"__n_{name}") < min_group_size).fill_null(False).cast(pl.Int64) for name in frames
    )
    return table.select(*keys, *shown, suppressed.alias(MISSING))


def _score(value: pl.Expr, direction: str, normalisation: str) -> pl.Expr:
    """Min-max to [0, 1] or z-score, over the published values; 'negative' flips the sign so
    that a higher score is always better. A constant indicator scores 0.5 (or z 0)."""
    if normalisation == "min_max":
        low, high = value.min(), value.max()
        score = pl.when(high > low).then((value - low) / (high - low)).otherwise(0.5)
        flipped = 1.0 - score
    elif normalisation == "z_score":
        mean, std = value.mean(), value.std(ddof=0)
        score = pl.when(std > 0).then((value - mean) / std).otherwise(0.0)
        flipped = -score
    else:
        raise TransformError(f"unknown normalisation '{normalisation}'")
    chosen = flipped if direction == "negative" else score
    return pl.when(value.is_not_null()).then(chosen).otherwise(None)
