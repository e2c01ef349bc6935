"""hospital_visits: outpatient/inpatient visits from the health commission (Parquet).

Diagnosis is the sensitive attribute; age, sex and district are quasi-identifiers. Diagnoses are
drawn by weight and kept plausible for sex and age (no deliveries for men or children), so
l-diversity checks meet realistic, skewed distributions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import age_at, birth_dates, days_in_year
from sample_data.identifiers import resident_ids
from sample_data.strings import pick

# ICD-10 code, relative frequency, cost factor, sex restriction (None / "F"), minimum age
DIAGNOSES: tuple[tuple[str, float, float, str | None, int], ...] = (
    ("J06.9", 14, 0.6, None, 0), ("I10", 12, 1.0, None, 30), ("E11.9", 8, 1.2, None, 30),
    ("K29.7", 6, 0.9, None, 10), ("M54.5", 5, 0.9, None, 18), ("J18.9", 4, 3.0, None, 0),
    ("N39.0", 3, 0.8, None, 0), ("I25.1", 3, 4.0, None, 40), ("C34.9", 0.6, 20.0, None, 40),
    ("F32.9", 1.5, 1.5, None, 12), ("O80", 1.2, 8.0, "F", 18), ("Z00.0", 6, 0.5, None, 0),
    ("J20.9", 4, 0.7, None, 0), ("J02.9", 4, 0.5, None, 0), ("A09", 2, 0.7, None, 0),
    ("K21.0", 2, 1.0, None, 18), ("K80.2", 1, 6.0, None, 25), ("K35.8", 0.8, 7.0, None, 5),
    ("I63.9", 1, 9.0, None, 45), ("I48", 0.8, 3.0, None, 45), ("I50.9", 0.8, 5.0, None, 50),
    ("E78.5", 3, 0.8, None, 30), ("E03.9", 1.2, 0.8, None, 18), ("E66.9", 0.6, 0.8, None, 10),
    ("M17.9", 1.5, 2.0, None, 45), ("M81.9", 1, 1.5, None, 50), ("S82.2", 0.6, 8.0, None, 0),
    ("S52.5", 0.6, 5.0, None, 0), ("N18.9", 0.7, 4.0, None, 40), ("N40", 1, 1.5, None, 50),
    ("H52.1", 2, 0.4, None, 6), ("H25.9", 1, 4.0, None, 50), ("L30.9", 2, 0.4, None, 0),
    ("B02.9", 0.6, 0.8, None, 30), ("G43.9", 0.8, 1.0, None, 12), ("G47.0", 1, 0.6, None, 18),
    ("R51", 2, 0.5, None, 6), ("C50.9", 0.4, 18.0, "F", 30), ("C16.9", 0.3, 18.0, None, 40),
    ("D25.9", 0.6, 6.0, "F", 25), ("N76.0", 1, 0.6, "F", 16),
)  # fmt: skip
CODES = [d[0] for d in DIAGNOSES]
_FREQ = np.array([d[1] for d in DIAGNOSES])
_FACTOR = np.array([d[2] for d in DIAGNOSES])
_FEMALE_ONLY = np.array([d[3] == "F" for d in DIAGNOSES])
_MIN_AGE = np.array([d[4] for d in DIAGNOSES])
FALLBACK = CODES.index("J06.9")  # what an implausible draw becomes

LEVELS = ["一级", "二级", "三级"]
LEVEL_WEIGHTS = np.array([0.22, 0.36, 0.42])
LEVEL_MEDIAN_COST = np.array([110.0, 320.0, 780.0])


def _patients(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Visits per patient (geometric, mean ~2) for just enough patients to fill `rows` rows."""
    m = rows // 2 + 16
    while True:
        visits = rng.geometric(0.5, size=m)
        total = np.cumsum(visits)
        if total[-1] >= rows:
            return visits[: int(np.searchsorted(total, rows)) + 1]
        m *= 2


def build(rng: np.random.Generator, rows: int, reference_date: dt.date) -> pl.DataFrame:
    """Exactly `rows` visits within the year before the reference date's year."""
    year = reference_date.year - 1
    visits = _patients(rng, rows)
    p = len(visits)
    male = rng.random(p) < 0.48
    ages = np.arange(0, 96)
    age_w = 0.6 + np.exp(-(((ages - 70) / 15.0) ** 2)) + 0.8 * np.exp(-((ages / 5.0) ** 2))
    birth = birth_dates(rng, dt.date(year, 1, 1), ages, age_w, p)
    residence = regions.sample_districts(rng, p)
    pid = resident_ids(rng, regions.sample_birthplaces(rng, residence), birth, male)

    person = np.repeat(np.arange(p), visits)[:rows]
    days = days_in_year(year)
    visit = days[rng.integers(0, len(days), size=rows)]
    visit = np.maximum(visit, birth[person])  # babies born this year visit after birth
    order = np.lexsort((person, visit))  # exported in visit order
    person, visit = person[order], visit[order]
    age = age_at(birth[person], visit)

    diag = rng.choice(len(CODES), size=rows, p=_FREQ / _FREQ.sum())
    bad = (_FEMALE_ONLY[diag] & male[person]) | (age < _MIN_AGE[diag])
    diag = np.where(bad, FALLBACK, diag)
    level = rng.choice(3, size=rows, p=LEVEL_WEIGHTS)
    cost = LEVEL_MEDIAN_COST[level] * _FACTOR[diag] * np.exp(rng.normal(0.0, 0.7, size=rows))

    frame = pl.DataFrame(
        {
            "patient_id": pid.gather(person),
            "age": age.astype(np.int64),
            "sex": pick(["女", "男"], male[person].astype(np.int64)),
            "district": pl.Series(residence[person]).cast(pl.String),
            "diagnosis": pick(CODES, diag),
            "cost": np.round(cost, 2),
            "hospital_level": pick(LEVELS, level),
            "visit_date": pl.Series(visit, dtype=pl.Date),
        }
    )
    return frame


def write(frame: pl.DataFrame, path: str) -> None:
    """Parquet, zstd, statistics on (deterministic bytes for the same frame)."""
    frame.write_parquet(path, compression="zstd")
