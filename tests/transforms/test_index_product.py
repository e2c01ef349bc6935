"""Evaluation index: what a consumer relies on when reading a published index."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.egress.index import IndexRule, IndicatorRule, index_check
from transforms.errors import TransformError
from transforms.products.index import Component, compose_index, indicator_cells
from transforms.products.index_keys import period_key, region_key


def cells(values: dict[str, tuple[float, int]], period: int = 2025) -> pl.DataFrame:
    """Indicator cells: region -> (value, people)."""
    return pl.DataFrame(
        {
            "region": list(values),
            "period": [period] * len(values),
            "value": [v for v, _ in values.values()],
            "subjects": [n for _, n in values.values()],
        }
    )


def by_region(table: pl.DataFrame, column: str) -> dict[str, float | None]:
    return dict(zip(table["region"], table[column], strict=True))


def test_a_small_cell_hides_its_value_score_and_composite():
    table = compose_index(
        {"firms": cells({"a": (10, 30), "b": (20, 30), "c": (500, 4)})},
        [Component("firms")],
        min_group_size=10,
    )
    assert by_region(table, "firms") == {"a": 10.0, "b": 20.0, "c": None}
    assert by_region(table, "firms_score")["c"] is None
    assert by_region(table, "index") == {"a": 0.0, "b": 100.0, "c": None}
    assert by_region(table, "inputs_suppressed") == {"a": 0, "b": 0, "c": 1}


def test_scores_are_normalised_over_published_values_only():
    """The hidden 500 must not stretch the range: b is the maximum among what is shown."""
    table = compose_index(
        {"firms": cells({"a": (10, 30), "b": (20, 30), "m": (15, 30), "c": (500, 4)})},
        [Component("firms")],
        min_group_size=10,
    )
    assert by_region(table, "firms_score")["m"] == pytest.approx(0.5)


def test_a_ratio_is_hidden_when_its_denominator_cell_is_small():
    table = compose_index(
        {
            "complaints": cells({"a": (50, 40), "b": (80, 40)}),
            "people": cells({"a": (1000, 1000), "b": (6, 6)}),
        },
        [
            Component("complaints", "negative", 1.0, per="people", per_scale=10_000),
            Component("people", weight=0.0),
        ],
        min_group_size=10,
    )
    assert by_region(table, "complaints") == {"a": 500.0, "b": None}
    assert by_region(table, "people") == {"a": 1000.0, "b": None}
    assert "people_score" not in table.columns  # weight 0: published, not in the composite


def test_negative_direction_and_weights():
    table = compose_index(
        {
            "jobs": cells({"a": (100, 50), "b": (300, 50)}),
            "complaints": cells({"a": (10, 50), "b": (30, 50)}),
        },
        [Component("jobs", weight=3.0), Component("complaints", "negative", 1.0)],
        min_group_size=10,
    )
    # a: jobs 0, complaints flipped 1 -> 25; b: jobs 1, complaints 0 -> 75
    assert by_region(table, "index") == {"a": pytest.approx(25.0), "b": pytest.approx(75.0)}


def test_z_score_normalisation():
    table = compose_index(
        {"x": cells({"a": (1, 50), "b": (3, 50)})},
        [Component("x", "negative")],
        min_group_size=10,
        normalisation="z_score",
        scale=1.0,
    )
    assert by_region(table, "index") == {"a": pytest.approx(1.0), "b": pytest.approx(-1.0)}


def test_unknown_denominator_is_an_error():
    with pytest.raises(TransformError, match="needs cells of 'people'"):
        compose_index(
            {"x": cells({"a": (1, 50)})}, [Component("x", per="people")], min_group_size=10
        )


def test_indicator_cells_count_people_not_rows():
    rows = pl.LazyFrame(
        {"district": ["330106", "330106", "330102", "bad"], "year": [2025] * 4,
         "person": ["p1", "p1", "p2", "p3"]}
    )  # fmt: skip
    out = indicator_cells(
        rows, region=region_key("district", "city"), period=pl.col("year"),
        aggregate="count", subject="person",
    ).collect()  # fmt: skip
    assert out.rows() == [("330100", 2025, 3.0, 2)]


@pytest.mark.parametrize(
    ("dtype", "values", "grain", "expected"),
    [
        (pl.Date(), ["2025-03-04"], "year", [2025]),
        (pl.Date(), ["2025-03-04"], "month", ["2025-03"]),
        (pl.String(), ["2025-03", "2024", "x"], "year", [2025, 2024, None]),
        (pl.Int64(), [2025], "year", [2025]),
    ],
)
def test_period_keys(dtype, values, grain, expected):
    frame = pl.DataFrame({"p": values}).with_columns(
        pl.col("p").str.to_date() if dtype == pl.Date() else pl.col("p").cast(dtype)
    )
    assert frame.select(period_key("p", frame.schema["p"], grain))["p"].to_list() == expected


def test_years_cannot_give_months():
    with pytest.raises(TransformError, match="holds years"):
        period_key("p", pl.Int64(), "month")


def gate_rule(source: pl.LazyFrame) -> IndexRule:
    rule = IndicatorRule("firms", source, pl.col("d"), pl.col("y"), subject="person")
    return IndexRule("region", "period", [rule], min_group_size=3)


def test_the_gate_recounts_people_and_refuses_a_value_on_a_small_cell():
    source = pl.LazyFrame(
        {"d": ["a"] * 3 + ["b"] * 2, "y": [2025] * 5, "person": ["1", "2", "3", "4", "4"]}
    )
    honest = pl.DataFrame(
        {"region": ["a", "b"], "period": [2025, 2025], "firms": [3.0, None],
         "firms_score": [1.0, None], "index": [100.0, None]}
    )  # fmt: skip
    assert index_check(honest, gate_rule(source)).passed
    leaking = honest.with_columns(pl.Series("firms", [3.0, 2.0]))
    check = index_check(leaking, gate_rule(source))
    assert not check.passed
    assert "fewer than 3 people" in check.detail
    shown_score = honest.with_columns(pl.Series("firms_score", [1.0, 0.0]))
    assert "score(s) of hidden 'firms'" in index_check(shown_score, gate_rule(source)).detail
