"""The anonymisation search from class counts added up over partitions of the rows finds what
it finds from the rows themselves: the same node, suppression and published records, under
k-anonymity, l-diversity and t-closeness."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.anonymize import DistinctLDiversity, KAnonymity
from transforms.anonymize.closeness import TCloseness
from transforms.anonymize.encode import ROWS, encode, merge_class_counts
from transforms.products.microdata import QuasiIdentifier, build_microdata, partition_classes

QIS = [
    QuasiIdentifier("age", "intervals", widths=(5, 10, 20)),
    QuasiIdentifier("district", "district"),
    QuasiIdentifier("sex"),
]
MODELS = {
    "k": [KAnonymity(5)],
    "l": [KAnonymity(3), DistinctLDiversity("illness", 2)],
    "t": [KAnonymity(3), TCloseness("cost", 0.4, ordered=True)],
}


def people(n: int = 3000, seed: int = 3) -> pl.DataFrame:
    """Nulls in a quasi-identifier; a skewed district so that some classes are small."""
    rng = np.random.default_rng(seed)
    districts = ["330106", "330102", "330212", "330302", "330110"]
    return pl.DataFrame(
        {
            "age": pl.Series(rng.integers(18, 90, n)).scatter(rng.integers(0, n, 40), None),
            "district": rng.choice(districts, n, p=[0.4, 0.3, 0.2, 0.07, 0.03]),
            "sex": rng.choice(["男", "女"], n),
            "illness": rng.choice(["flu", "cold", "asthma", "diabetes"], n),
            "cost": rng.integers(100, 5000, n),
        }
    )


def counter(frame: pl.DataFrame, parts: int, calls: list | None = None):
    size = -(-frame.height // parts)

    def counted(qis: list[str], sensitive: list[str]) -> pl.DataFrame:
        if calls is not None:
            calls.append((qis, sensitive))
        found = [
            partition_classes(frame.slice(i * size, size).lazy(), qis=qis, sensitive=sensitive)
            for i in range(parts)
        ]
        return merge_class_counts(found)

    return counted


@pytest.mark.parametrize("models", MODELS, ids=list(MODELS))
def test_the_search_from_merged_class_counts_finds_the_same_release(models):
    frame = people()
    shape = {"qis": QIS, "columns": ["illness", "cost"], "models": MODELS[models],
             "max_suppression": 0.05}  # fmt: skip
    whole = build_microdata(frame, **shape)
    calls: list = []
    merged = build_microdata(frame, **shape, counted=counter(frame, 4, calls))
    assert calls and calls[0][0] == ["age", "district", "sex"]
    assert any(whole.result.levels.values()) and whole.result.suppressed > 0
    assert merged.result.levels == whole.result.levels
    assert merged.result.suppressed == whole.result.suppressed
    assert merged.result.classes == whole.result.classes
    assert merged.frame.equals(whole.frame)


def test_merged_counts_encode_to_the_rows_classes():
    frame = people().with_columns(pl.col("age").cast(pl.String).fill_null("(missing)"))
    built = build_microdata(
        frame, qis=QIS, columns=["illness"], models=MODELS["l"], max_suppression=0.05
    )
    hierarchies = built.hierarchies
    rows = encode(frame, hierarchies, ["illness"])
    counts = counter(frame, 3)(list(hierarchies), ["illness"])
    merged = encode(counts, hierarchies, ["illness"], weight=ROWS)
    assert merged.rows == rows.rows == frame.height

    def by_class(data) -> dict[tuple[int, ...], int]:
        return dict(zip(map(tuple, data.codes.tolist()), data.counts.tolist(), strict=True))

    assert by_class(merged) == by_class(rows)
    assert sorted(merged.sensitive["illness"].count) == sorted(rows.sensitive["illness"].count)
