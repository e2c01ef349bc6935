"""The microdata builder: empty quasi-identifier values and numeric columns survive the search."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.anonymize import AnonymizationError, DistinctLDiversity, KAnonymity
from transforms.anonymize.privacy_check import measure_k
from transforms.products.microdata import MISSING, QuasiIdentifier, build_microdata


def frame() -> pl.DataFrame:
    ages = [23, 27, 31, 36, None, 44, 48, 52, 57, None] * 3
    return pl.DataFrame(
        {
            "age": ages,
            "district": ["330106", "330102"] * 15,
            "cost": [float(i) for i in range(30)],
            "kind": ["a", "b", "c"] * 10,
        }
    )


def test_nulls_become_missing_and_numbers_stay_numbers():
    age = QuasiIdentifier("age", "intervals", widths=(10, 20))
    qis = [age, QuasiIdentifier("district", "district")]
    built = build_microdata(
        frame(),
        qis=qis,
        columns=["cost", "kind"],
        models=[KAnonymity(3), DistinctLDiversity("kind", 2)],
        max_suppression=0.0,
    )
    out = built.frame
    assert out.columns == ["age", "district", "cost", "kind"]
    assert out.schema["cost"] == pl.Float64 and out.schema["age"] == pl.String
    assert measure_k(out, ["age", "district"]) >= 3
    assert MISSING in built.hierarchies["age"].values
    assert built.rows_in == 30


def test_a_file_hierarchy_must_cover_every_value(tmp_path):
    path = tmp_path / "district.csv"
    path.write_text("330106;3301;*\n", "utf-8")
    with pytest.raises(AnonymizationError, match="no entry for value '330102'"):
        build_microdata(
            frame(),
            qis=[QuasiIdentifier("district", "file", path=path)],
            columns=[],
            models=[KAnonymity(2)],
            max_suppression=0.0,
        )
