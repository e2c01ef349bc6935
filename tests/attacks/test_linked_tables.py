"""Differencing across the products of one resource. An attacker reads every live table of
social_insurance that counts insured people by year, city and industry, takes each cell one
product shows, and solves the published totals of another for the cells still hidden (one
unknown per total, repeated until nothing more follows).

Alone, the model with totals gives nothing away (its gate says so, and this attacker, who
shares no code with it, agrees). Beside a second product whose cells were suppressed on their
own, it used to: on the demo's 50,000 rows the attacker recovered 6 of the 34 hidden cells
exactly, 3 of them below the minimum of 10 people. Each release is now protected together with
everything live from its resource (the release ledger), and the attacker learns nothing."""

from __future__ import annotations

import polars as pl
import pytest

from tests.released import Released, release_everything

DIMS = ("year", "city", "industry")
MEASURE = "insured_people"
Cell = tuple[object, ...]


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> dict[str, Released]:
    return release_everything(tmp_path_factory.mktemp("linked"), rows=50_000)


def shown_cells(table: pl.DataFrame) -> dict[Cell, int]:
    """Cells (not totals) a consumer reads with their value."""
    rows = table.filter(~pl.col("suppressed"))
    if "margin" in table.columns:
        rows = rows.filter(pl.col("margin").is_null())
    return {tuple(r[d] for d in DIMS): r[MEASURE] for r in rows.iter_rows(named=True)}


def attack(with_totals: pl.DataFrame, others: list[pl.DataFrame]) -> dict[Cell, int]:
    """Hidden cells of `with_totals` the attacker learns exactly, with their values."""
    cells = with_totals.filter(pl.col("margin").is_null())
    every = [tuple(r[d] for d in DIMS) for r in cells.iter_rows(named=True)]
    known = shown_cells(with_totals)
    hidden = {c for c in every if c not in known}
    learned = {}
    for table in others:
        for cell, value in shown_cells(table).items():
            if cell in hidden and cell not in learned:
                learned[cell] = value
    known.update(learned)
    totals = with_totals.filter(pl.col("margin").is_not_null() & ~pl.col("suppressed"))
    progress = True
    while progress:
        progress = False
        for total in totals.iter_rows(named=True):
            summed = total["margin"].split(",")
            kept = [i for i, d in enumerate(DIMS) if d not in summed]
            under = [c for c in every if all(c[i] == total[DIMS[i]] for i in kept)]
            unknown = [c for c in under if c not in known]
            if len(unknown) == 1:
                value = total[MEASURE] - sum(known[c] for c in under if c in known)
                known[unknown[0]] = learned[unknown[0]] = value
                progress = True
    return learned


def truth(r: Released) -> dict[Cell, int]:
    """People per cell, recounted from the de-identified rows, to check what was learned."""
    prepared = r.job.prepared
    counted = (
        prepared.frame()
        .group_by(pl.col("jfnd").alias("year"), pl.col("xzqh").alias("city"),
                  pl.col("hy").alias("industry"))
        .agg(pl.col(prepared.subject).n_unique().alias(MEASURE))
        .collect()
    )  # fmt: skip
    return {tuple(row[d] for d in DIMS): row[MEASURE] for row in counted.iter_rows(named=True)}


def test_the_model_with_totals_alone_gives_no_hidden_cell_away(released):
    table = released["employment_model"].cleared.frame
    assert table.filter(pl.col("margin").is_null())["suppressed"].sum() > 0
    assert attack(table, []) == {}


def test_a_second_product_of_the_resource_gives_no_hidden_cell_away(released):
    model = released["employment_model"]
    other = released["insured_by_city_industry"].cleared.frame
    learned = attack(model.cleared.frame, [other])
    exact = truth(model)
    assert all(exact[cell] == value for cell, value in learned.items())
    assert learned == {}
