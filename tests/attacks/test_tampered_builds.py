"""The gate trusts no builder. An adversary who controls what a kind's build returns (a bug, or
a builder written to leak) changes each product's release after it was built, and tries to get
it past the egress gate: a small cell shown, a cell invented, a quasi-identifier left precise,
a raw identifier in a verification index, a hidden indicator revealed, a budget overspent.
Each tampered release must be refused by the check the kind's own rules run from the data.

The attacks are written here, against what a consumer would read; they reuse no code of the
builders, only the products' real builds as the starting point."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from tests.released import Released, release_everything
from transforms.egress import EgressRefused


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> dict[str, Released]:
    return release_everything(tmp_path_factory.mktemp("attacks"))


def refused_by(r: Released, built) -> dict[str, str]:
    """The failed checks of a tampered build, by name."""
    with pytest.raises(EgressRefused) as caught:
        r.gate(built)
    return {c.name: c.detail for c in caught.value.checks if not c.passed}


def test_every_product_passes_untouched(released):
    for r in released.values():
        assert r.gate(r.built).frame.equals(r.cleared.frame)


def test_a_model_that_shows_a_small_cell_is_refused(released):
    r = released["insured_by_city_age"]
    table = r.built.table
    hidden = table.with_row_index("__i").filter(pl.col("suppressed"))["__i"][0]
    shown = table.with_columns(
        pl.when(pl.int_range(pl.len()) == hidden).then(False).otherwise(pl.col("suppressed"))
        .alias("suppressed"),
        pl.when(pl.int_range(pl.len()) == hidden).then(3).otherwise(pl.col("insured_people"))
        .alias("insured_people"),
    )  # fmt: skip
    failed = refused_by(r, replace(r.built, table=shown))
    assert "cover fewer than 10" in failed["min_group_size"]


def test_a_model_that_keeps_values_in_a_suppressed_cell_is_refused(released):
    r = released["insured_by_city_age"]
    table = r.built.table
    leaked = table.with_columns(
        pl.when(pl.col("suppressed")).then(7).otherwise(pl.col("insured_people"))
        .alias("insured_people")
    )  # fmt: skip
    assert "still carry values" in refused_by(r, replace(r.built, table=leaked))["min_group_size"]


def test_a_model_that_swaps_the_labels_of_a_small_and_a_large_cell_is_refused(released):
    """Flags and values stay where they were; a small cell's dimension values now stand on a
    large cell's figures. Only the people behind the labels show it."""
    r = released["insured_by_city_age"]
    table = r.built.table.with_row_index("__i")
    small = table.filter(pl.col("suppressed"))["__i"][0]
    large = table.filter(~pl.col("suppressed"))["__i"][0]
    swap = {small: large, large: small}
    order = [swap.get(i, i) for i in range(table.height)]
    labels = ["year", "city", "sex", "age_band"]
    swapped = table.with_columns(pl.col(c).gather(order) for c in labels).drop("__i")
    failed = refused_by(r, replace(r.built, table=swapped))
    assert "cover fewer than 10" in failed["min_group_size"]


def test_a_model_that_publishes_a_cell_no_row_falls_in_is_refused(released):
    r = released["insured_by_city_age"]
    table = r.built.table
    invented = table.filter(~pl.col("suppressed")).head(1).with_columns(pl.col("year") - 100)
    failed = refused_by(r, replace(r.built, table=pl.concat([table, invented])))
    assert "cover fewer than 10" in failed["min_group_size"]


def test_a_hidden_cell_its_total_gives_away_is_refused(released):
    """Hide one cell under a published total whose other cells are all shown: the total minus
    the shown cells is the hidden one, which the gate must see."""
    r = released["employment_model"]
    table = r.built.table.with_row_index("__row")
    cells = table.filter(pl.col("margin").is_null())
    totals = table.filter((pl.col("margin") == "city") & ~pl.col("suppressed"))
    under = totals.join(cells, on=["year", "industry"], suffix="_cell")
    whole = under.group_by("__row").agg(
        pl.col("suppressed_cell").any().alias("any_hidden"), pl.col("__row_cell").first()
    )
    target = whole.filter(~pl.col("any_hidden"))["__row_cell"][0]
    hide = pl.col("__row") == target
    hidden = table.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("insured_people", "contribution_months")
    ).with_columns(pl.when(hide).then(True).otherwise(pl.col("suppressed")).alias("suppressed"))
    failed = refused_by(r, replace(r.built, table=hidden.drop("__row")))
    assert "follows from the totals" in failed["no_differencing"]


def test_an_invented_cell_in_a_private_release_is_refused(released):
    r = released["insured_dp_by_city"]
    table = r.built.table
    cell = {"year": 2025, "insurance_type": "失地保险", "insured_people": 900}
    invented = pl.concat([table, pl.DataFrame([cell], schema=table.schema)])
    failed = refused_by(r, replace(r.built, table=invented))
    assert "do not exist in the source" in failed["differential_privacy"]


def test_a_private_release_that_spends_more_than_declared_is_refused(released):
    r = released["insured_dp_by_city"]
    overspent = {**r.built.account, "epsilon": 5.0}
    failed = refused_by(r, replace(r.built, account=overspent))
    assert "spent epsilon 5" in failed["differential_privacy"]


def test_microdata_with_one_quasi_identifier_left_precise_is_refused(released):
    r = released["insured_microdata"]
    frame = r.built.frame
    precise = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("330106")).otherwise(pl.col("xzqh"))
        .alias("xzqh")
    )  # fmt: skip
    failed = refused_by(r, replace(r.built, frame=precise))
    assert "smallest class has 1 row(s)" in failed["k_anonymity"]
    assert "exceeds the public threshold" in failed["re_identification_risk"]


def test_microdata_that_publishes_verified_months_as_they_are_is_refused(released):
    # the operator of identity_verification learns each person's months in bands of its
    # thresholds; a builder that forgot that and published the months as they are
    r = released["insured_microdata"]
    months = (pl.int_range(pl.len()) % 13).cast(pl.String).alias("jfys")
    verbatim = r.built.frame.with_columns(months)
    plain = {c: h for c, h in r.built.hierarchies.items() if c != "jfys"}
    failed = refused_by(r, replace(r.built, frame=verbatim, hierarchies=plain))
    assert "jfys" in failed["linkage"] and "identity_verification" in failed["linkage"]


def test_microdata_that_publishes_an_extra_column_is_refused(released):
    r = released["insured_microdata"]
    raw = r.job.prepared.frame().select("xb").head(r.built.frame.height).collect()
    extra = r.built.frame.with_columns(raw["xb"].alias("xb_raw"))
    failed = refused_by(r, replace(r.built, frame=extra))
    assert "column 'xb_raw' has no declared origin" in failed["no_direct_identifiers"]


def test_a_verification_index_holding_a_raw_identifier_is_refused(released):
    r = released["identity_verification"]
    index = r.built.index
    raw = r.job.prepared.validated.select("sfzh").head(1).collect()["sfzh"][0]
    leaked = index.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(raw)).otherwise(pl.col("__id"))
        .alias("__id")
    )  # fmt: skip
    failed = refused_by(r, replace(r.built, index=leaked))
    assert "not keyed pseudonyms" in failed["verification_index"]


def test_an_index_that_adds_a_cell_of_a_few_people_is_refused(released):
    """A district's values slipped in among the cities': the people behind them are few."""
    r = released["regional_vitality"]
    table = r.built
    district = table.head(1).with_columns(pl.lit("330106").alias("city"))
    failed = refused_by(r, pl.concat([table, district]))
    assert "fewer than 10 people" in failed["index_min_group_size"]


def test_an_index_that_shows_a_score_of_a_hidden_value_is_refused(released):
    r = released["regional_vitality"]
    hidden = r.built.with_columns(pl.lit(None, pl.Float64).alias("insured_people"))
    failed = refused_by(r, hidden)
    assert "score(s) of hidden 'insured_people' are shown" in failed["index_min_group_size"]


NAMES = ("王芳", "李秀英", "欧阳娜娜", "訾宏", "张伟", "陈静", "周海燕", "钭晨")


def named(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`column`'s values replaced by people's names, row by row; a total's null stays null."""
    names = pl.Series([NAMES[i % len(NAMES)] for i in range(frame.height)])
    return frame.with_columns(
        pl.when(pl.col(column).is_null()).then(None).otherwise(pl.lit(names)).alias(column)
    )


@pytest.mark.parametrize(
    ("product", "column", "field"),
    [
        ("employment_model", "industry", "table"),  # cells, suppressed cells and totals
        ("insured_dp_by_city", "insurance_type", "table"),
        ("regional_vitality", "city", None),
        ("insured_microdata", "xzlx", "frame"),
    ],
)
def test_people_s_names_in_what_describes_a_release_are_refused(released, product, column, field):
    r = released[product]
    if field is None:
        tampered = named(r.built, column)
    else:
        tampered = replace(r.built, **{field: named(getattr(r.built, field), column)})
    detail = refused_by(r, tampered)["dimension_values"]
    assert f"column '{column}'" in detail and "holds PERSON" in detail
    assert not [name for name in NAMES if name in detail]
