"""enterprise_registry: the market-regulation register of legal entities (UTF-8 CSV).

It is the anchor that social_insurance links to through the unified social credit code, so it is
generated first and returned whole to the caller.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_data import industries, regions
from sample_data.dates import birth_dates
from sample_data.identifiers import resident_ids, usccs
from sample_data.pools import Pools
from sample_data.strings import distinct_sample, pick

STATUSES = ["存续", "在业", "吊销", "注销", "迁出"]
STATUS_WEIGHTS = np.array([0.60, 0.22, 0.07, 0.09, 0.02])
ACTIVE = ("存续", "在业")
ROUND_CAPITALS = np.array([3, 5, 10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000], dtype=float)
FIRST_DAY = dt.date(1990, 1, 1)


def _unique_names(
    rng: np.random.Generator, pools: Pools, n: int
) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Distinct company names: district short name + 2-char core + keyword + suffix.

    Every part has a fixed role and the cores are 2 characters, so distinct (district, core,
    keyword, suffix) tuples give distinct strings; tuples are drawn as one integer key and
    duplicates redrawn.
    Returns the names with their district and keyword indices.
    """
    cores = pools.company_cores.filter(pools.company_cores.str.len_chars() == 2)
    nd, nc = len(regions.CODES), len(cores)
    nk, ns = len(industries.KEYWORDS), len(industries.SUFFIXES)

    def draw(m: int) -> np.ndarray:
        district = rng.choice(nd, size=m, p=regions.WEIGHTS)
        core = rng.integers(0, nc, size=m)
        kw = industries.sample_keywords(rng, m)
        suf = rng.choice(ns, size=m, p=industries.SUFFIX_WEIGHTS)
        return ((district * nc + core) * nk + kw) * ns + suf

    key = distinct_sample(rng, draw, n)
    key, suf = np.divmod(key, ns)
    key, kw = np.divmod(key, nk)
    district, core = np.divmod(key, nc)
    columns = [
        pick(regions.district_short_names(), district),
        cores.gather(core),
        pick(industries.KEYWORDS, kw),
        pick(industries.SUFFIXES, suf),
    ]
    return pl.select(pl.concat_str(columns)).to_series(), district, kw


def build(rng: np.random.Generator, pools: Pools, n: int, reference_date: dt.date) -> pl.DataFrame:
    """The registry as a DataFrame with the published Chinese column names."""
    names, district_idx, kw = _unique_names(rng, pools, n)
    district = regions.CODES[district_idx]
    code = usccs(rng, district)

    male = rng.random(n) < 0.75
    ages = np.arange(25, 71)
    age_w = np.exp(-(((ages - 45) / 11.0) ** 2))
    birth = birth_dates(rng, reference_date, ages, age_w, n)
    rep_id = resident_ids(rng, regions.sample_birthplaces(rng, district), birth, male)
    rep_name = pools.names(rng, male)

    capital = np.exp(rng.normal(np.log(100.0), 1.5, size=n))
    capital = np.where(
        rng.random(n) < 0.55,
        ROUND_CAPITALS[rng.integers(0, len(ROUND_CAPITALS), n)],
        capital,
    )
    capital = np.round(np.clip(capital, 1.0, 500_000.0), 2)

    total_days = (reference_date - FIRST_DAY).days
    # more firms registered in recent years: density grows linearly with time
    offset = np.floor(np.sqrt(rng.random(n)) * (total_days + 1)).astype(np.int64)
    founded = np.datetime64(FIRST_DAY, "D") + offset
    status = pick(STATUSES, rng.choice(len(STATUSES), size=n, p=STATUS_WEIGHTS))

    return pl.DataFrame(
        {
            "统一社会信用代码": code,
            "企业名称": names,
            "法定代表人": rep_name,
            "法定代表人证件号码": rep_id,
            "注册资本万元": capital,
            "所属区划": pl.Series(district).cast(pl.String),
            "行业门类": pick(industries.SECTION_NAMES, industries.KEYWORD_SECTION[kw]),
            "成立日期": pl.Series(founded, dtype=pl.Date),
            "登记状态": status,
        }
    )


def write(frame: pl.DataFrame, path: str) -> None:
    """UTF-8 CSV with a header row; capital written with exactly two decimals."""
    frame.write_csv(path, float_precision=2)
