"""Per-person treatments get the key, the subject column and their own purpose at run time."""

from __future__ import annotations

import datetime as dt

import polars as pl

from flows.kinds import KINDS
from flows.pipeline import binding
from tests.conftest import MINIMAL
from transforms.deidentify import deidentify


def test_noise_and_date_shift_are_bound_to_the_subject_and_key(write_policy):
    text = MINIMAL.replace(
        "    type: float\n    category: sensitive_attribute\n",
        "    type: float\n    category: sensitive_attribute\n"
        "    treatment: {operator: noise, scale: 5, key: noise}\n"
        "  visited:\n    type: date\n    category: quasi_identifier\n"
        "    treatment: {operator: date_shift, max_days: 10}\n",
    )
    policy = KINDS.load_policy(write_policy(text)).policy
    keys = {"default": b"d" * 32, "noise": b"n" * 32}
    bound = {t.name: t for t in binding.treatments(policy, keys.__getitem__)}
    assert bound["cost"].params["key"] == b"n" * 32 and bound["cost"].params["by"] == "patient_id"
    assert bound["visited"].params["purpose"] == "visited"
    frame = pl.LazyFrame(
        {
            "patient_id": ["a", "a", "b"],
            "age": [30, 30, 40],
            "cost": [10.0, 10.0, 10.0],
            "visited": [dt.date(2025, 3, 1), dt.date(2025, 3, 5), dt.date(2025, 3, 1)],
        }
    )
    out = deidentify(frame, list(bound.values()), subject="patient_id", subject_key=b"d" * 32)
    rows = out.frame.collect()
    assert rows["cost"][0] == rows["cost"][1] != 10.0
    assert (rows["visited"][1] - rows["visited"][0]).days == 4
