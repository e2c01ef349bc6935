"""Sample verification batches, as a bank's credit review would submit them, with the answer
each claim should get (`_truth/claims_<product>.csv`).

Claims are drawn from people and enterprises whose rows are not among the planted defects, so
the expected answer is unambiguous: true claims (some written with a lower-case x or spaces
inside the number), wrong names, identifiers that pass their checksum but are not in the data,
identifiers with a wrong check character, and contribution months asked as a lender would: a
declared minimum the person meets, or the next one up.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.identifiers import resident_ids, usccs

ACTIVE = ("存续", "在业")
THRESHOLDS = (3, 6, 12)
"""The minimums an insured_months claim may name: those policies/social_insurance.yaml declares."""


def identity_claims(
    rng: np.random.Generator, si: pl.DataFrame, bad_lines: set[int], n: int, at: dt.date
) -> pl.DataFrame:
    """Claims for the identity and insured_months claim types, with `expected`."""
    clean = si.with_row_index("__line", offset=2).filter(~pl.col("__line").is_in(list(bad_lines)))
    people = clean.group_by("sfzh").agg(pl.col("xm").first()).sort("sfzh")
    months = (
        clean.group_by("sfzh", "jfnd").agg(pl.col("jfys").cast(pl.Int64).max()).sort("sfzh", "jfnd")
    )
    parts = {"true": 0.3, "wrong_name": 0.15, "unknown": 0.15, "invalid": 0.1, "months": 0.3}
    counts = {k: int(n * share) for k, share in parts.items()}
    rows: list[tuple] = []
    pick = rng.choice(people.height, size=counts["true"] + counts["wrong_name"], replace=False)
    for i, person in enumerate(pick):
        sfzh, name = people.row(int(person))
        if i < counts["true"]:
            rows.append(("identity", _variant(rng, sfzh), name, None, None, "match"))
        else:
            other = people["xm"][int(rng.integers(people.height))]
            expected = "match" if other == name else "no_match"
            rows.append(("identity", sfzh, other, None, None, expected))
    known = set(people["sfzh"].to_list())
    for sfzh in _unknown_ids(rng, counts["unknown"], at):
        name = people["xm"][int(rng.integers(people.height))]
        rows.append(("identity", sfzh, name, None, None, "match" if sfzh in known else "not_found"))
    for person in rng.choice(people.height, size=counts["invalid"], replace=False):
        sfzh, name = people.row(int(person))
        rows.append(("identity", _wrong_check(sfzh), name, None, None, "invalid"))
    for row in rng.choice(months.height, size=counts["months"], replace=False):
        sfzh, year, paid = months.row(int(row))
        claimed = _minimum(rng, paid)
        rows.append(("insured_months", sfzh, None, year, str(claimed),
                     "match" if claimed <= paid else "no_match"))  # fmt: skip
    order = rng.permutation(len(rows))
    frame = pl.DataFrame(
        [rows[i] for i in order],
        schema=["claim", "identifier", "name", "year", "months", "expected"],
        orient="row",
    )
    return frame.with_row_index("request_id", offset=1).with_columns(
        pl.format("C{}", pl.col("request_id").cast(pl.String).str.zfill(6)).alias("request_id")
    )


def enterprise_claims(rng: np.random.Generator, firms: pl.DataFrame, n: int) -> pl.DataFrame:
    """Claims for the active_with_representative claim type, with `expected`."""
    firms = firms.select("统一社会信用代码", "法定代表人", "登记状态").sort("统一社会信用代码")
    rows = []
    for i in rng.choice(firms.height, size=min(n, firms.height), replace=False):
        code, rep, status = firms.row(int(i))
        roll = rng.random()
        if roll < 0.7:  # a lender checks the firms that apply, mostly with their representative
            rows.append((code, rep, "match" if status in ACTIVE else "no_match"))
        elif roll < 0.8:
            other = firms["法定代表人"][int(rng.integers(firms.height))]
            rows.append((code, other, "match" if other == rep and status in ACTIVE else "no_match"))
        elif roll < 0.9:
            fresh = usccs(rng, regions.sample_districts(rng, 1))[0]
            rows.append((fresh, rep, "not_found"))
        else:
            rows.append((_wrong_check(code), rep, "invalid"))
    frame = pl.DataFrame(rows, schema=["identifier", "representative", "expected"], orient="row")
    return frame.with_columns(pl.lit("active_with_representative").alias("claim")).select(
        pl.format("E{}", pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(6)).alias(
            "request_id"
        ),
        "claim", "identifier", "representative", "expected",
    )  # fmt: skip


def _minimum(rng: np.random.Generator, paid: int) -> int:
    """The minimum a lender asks about: mostly the highest one the person meets, else (or when
    none is met) the lowest one above what was paid."""
    met = [t for t in THRESHOLDS if t <= paid]
    above = [t for t in THRESHOLDS if t > paid]
    if met and (not above or rng.random() < 0.5):
        return met[-1]
    return above[0]


def _variant(rng: np.random.Generator, sfzh: str) -> str:
    """How people write their number: mostly as is, sometimes spaced or with a lower-case x."""
    roll = rng.random()
    if roll < 0.1:
        return f"{sfzh[:6]} {sfzh[6:14]} {sfzh[14:]}"
    if roll < 0.15:
        return sfzh.lower()
    return sfzh


def _unknown_ids(rng: np.random.Generator, n: int, at: dt.date) -> list[str]:
    ages = np.arange(18, 66)
    birth = birth_dates(rng, at, ages, np.ones(len(ages)), n)
    male = rng.random(n) < 0.5
    return resident_ids(rng, regions.sample_districts(rng, n), birth, male).to_list()


def _wrong_check(code: str) -> str:
    """The code with another check character: its checksum fails."""
    last = code[-1]
    return code[:-1] + ("1" if last != "1" else "2")
