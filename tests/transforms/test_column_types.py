"""The types a draft policy proposes: the rows it was drafted from must parse under them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from transforms.classify.types import infer_type


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-01-31", "1990-12-01"], ("date", "%Y-%m-%d")),
        (["2024年01月31日", "1990年12月01日"], ("date", "%Y年%m月%d日")),
        (["20240131", "19901201"], ("integer", None)),
        (["2024-01-31 08:15:00"], ("datetime", "%Y-%m-%d %H:%M:%S")),
        (["3.5", "12"], ("float", None)),
        (["男", "女"], ("string", None)),
    ],
)
def test_narrowest_type_that_parses(values, expected):
    guess = infer_type(pl.Series(values))
    assert (guess.type, guess.format) == expected and guess.mixed is None


def test_identifiers_and_codes_stay_strings_whatever_they_look_like():
    assert infer_type(pl.Series(["013812345678"]), "CN_MOBILE").type == "string"
    assert infer_type(pl.Series([330106, 330102]), "CN_DISTRICT_CODE").type == "string"


def test_native_parquet_types_are_kept():
    assert infer_type(pl.Series([dt.date(2024, 1, 1)])).type == "date"
    assert infer_type(pl.Series([1.5])).type == "float"
    assert infer_type(pl.Series([True])).type == "boolean"


def test_a_few_defects_keep_the_type_and_say_they_will_be_quarantined():
    values = [f"2024-01-{d:02d}" for d in range(1, 29)] * 4 + ["not a date"]
    guess = infer_type(pl.Series(values))
    assert guess.type == "date"
    assert guess.mixed == "1 sample value(s) are not date: such rows will go to quarantine"


def test_mixed_types_are_strings_with_a_note():
    guess = infer_type(pl.Series(["1", "2", "3", "abc", "def"]))
    assert guess.type == "string"
    assert guess.mixed == "mixed types: 60% integer, 2 other value(s) (kept as string)"


def test_odd_values_do_not_crash():
    assert infer_type(pl.Series([None, None], dtype=pl.String)).type == "string"
    assert infer_type(pl.Series(["", "  "])).type == "string"
    assert infer_type(pl.Series(["\x00\xff" * 1000, "ok"])).type == "string"
