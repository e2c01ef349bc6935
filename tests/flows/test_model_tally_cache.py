"""A model's tally is counted once for the table and the gate, and counted again whenever the
rows may have changed: a resource prepared again, or its file written again in place."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows.kinds import KINDS, Job, Prepared
from flows.kinds.model.tally import model_tally
from tests.conftest import POLICIES
from transforms.deidentify import SUBJECT_HASH

(LOADED,) = KINDS.load_policies(POLICIES / "social_insurance.yaml")
SPEC = next(p for p in LOADED.policy.products if p.id == "insured_by_city_age")


def write_rows(path: Path, people: int) -> None:
    """De-identified rows as prepared: one row per person, all in one cell."""
    pl.DataFrame(
        {
            "sfzh": [f"p{i}" for i in range(people)],
            "jfnd": [2025] * people,
            "xzqh": ["330100"] * people,
            "xb": ["女"] * people,
            "csrq": ["30-39"] * people,
            "jfjs": [5000] * people,
            "__line": list(range(1, people + 1)),
            "__ok": [True] * people,
        }
    ).with_columns(pl.col("sfzh").hash().alias(SUBJECT_HASH)).write_parquet(path)


def job_on(path: Path) -> Job:
    rows = pl.read_parquet(path).height
    prepared = Prepared(
        "social_insurance", [], path, "sfzh", ["__line", "__ok"], rows, 0, None, pl.LazyFrame()
    )
    return Job(SPEC, None, {"social_insurance": prepared}, None)  # type: ignore[arg-type]


def people(tally: pl.DataFrame) -> list[int]:
    return tally["__cell_subjects"].to_list()


def test_the_table_and_the_gate_share_one_tally_of_one_preparation(tmp_path):
    path = tmp_path / "deidentified.parquet"
    write_rows(path, 12)
    job = job_on(path)
    assert model_tally(job) is model_tally(job)
    assert people(model_tally(job)) == [12]


def test_rows_prepared_again_are_counted_again(tmp_path):
    path = tmp_path / "deidentified.parquet"
    write_rows(path, 12)
    first = job_on(path)
    assert people(model_tally(first)) == [12]
    write_rows(path, 15)
    assert people(model_tally(job_on(path))) == [15]
    assert people(model_tally(first)) == [15]  # the same preparation, its file written again
