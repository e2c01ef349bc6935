"""The gate's rule for evaluation indices: every published indicator value (and every
score and composite built on one) covers at least `min_group_size` people in each cell it
draws on, recounted from the de-identified sources, not taken from the builder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.gate_check import Check, Origin


@dataclass(frozen=True)
class IndicatorRule:
    """Where one published indicator column comes from, for the recount."""

    column: str
    source: pl.LazyFrame
    region: pl.Expr
    period: pl.Expr
    where: pl.Expr | None = None
    subject: str | None = None
    per: str | None = None
    """The indicator it is divided by; its cells must be large enough too."""


@dataclass(frozen=True)
class IndexRule:
    """The published region and period columns, the indicators, the minimum and the score
    columns that follow each indicator."""

    region: str
    period: str
    indicators: Sequence[IndicatorRule]
    min_group_size: int
    score_suffix: str = "_score"
    composite: str = "index"

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        return [index_check(frame, self)]


def index_check(frame: pl.DataFrame, rule: IndexRule) -> Check:
    """One check over all indicators: the cells behind every non-null value are large enough,
    and no score or composite is shown where an input is hidden."""
    keys = [rule.region, rule.period]
    people = {r.column: _recount(r, keys) for r in rule.indicators}
    problems: list[str] = []
    smallest: int | None = None
    for r in rule.indicators:
        inputs = [r.column] if r.per is None else [r.column, r.per]
        shown = frame.filter(pl.col(r.column).is_not_null()).select(keys)
        for name in inputs:
            counted = shown.join(people[name], on=keys, how="left")["__people"].fill_null(0)
            if counted.len():
                low = int(counted.min())  # type: ignore[arg-type]
                smallest = low if smallest is None else min(smallest, low)
            small = int((counted < rule.min_group_size).sum())
            if small:
                problems.append(
                    f"{small} value(s) of '{r.column}' rest on cells of '{name}' with fewer "
                    f"than {rule.min_group_size} people"
                )
        score = r.column + rule.score_suffix
        if score in frame.columns:
            leaked = frame.filter(pl.col(r.column).is_null() & pl.col(score).is_not_null())
            if leaked.height:
                problems.append(f"{leaked.height} score(s) of hidden '{r.column}' are shown")
    if rule.composite in frame.columns:
        inputs_hidden = pl.any_horizontal(
            pl.col(c + rule.score_suffix).is_null()
            for c in (r.column for r in rule.indicators)
            if c + rule.score_suffix in frame.columns
        )
        leaked = frame.filter(inputs_hidden & pl.col(rule.composite).is_not_null())
        if leaked.height:
            problems.append(f"{leaked.height} composite value(s) use a hidden input")
    figures = {
        "min_group_size": rule.min_group_size,
        "indicators": len(rule.indicators),
        "rows": frame.height,
        "smallest_published_cell": smallest,
    }
    return Check("index_min_group_size", not problems, figures, "; ".join(problems))


def _recount(rule: IndicatorRule, keys: list[str]) -> pl.DataFrame:
    rows = rule.source if rule.where is None else rule.source.filter(rule.where)
    people = pl.col(rule.subject).n_unique() if rule.subject else pl.len()
    return (
        rows.group_by(rule.region.cast(pl.String).alias(keys[0]), rule.period.alias(keys[1]))
        .agg(people.cast(pl.Int64).alias("__people"))
        .collect(engine="streaming")
    )
