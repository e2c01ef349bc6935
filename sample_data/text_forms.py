"""How identifiers are actually written inside citizens' free text (hotline transcripts).

Call-takers type what they hear: phone numbers with hyphens or spaces, a +86 prefix, full-width
digits from a Chinese input method, ID numbers with a lower-case x or split 6-8-4. A detector
tested only on clean forms would look better than it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.identifiers import landline_numbers, resident_ids
from sample_data.pools import Pools
from sample_data.strings import pick

ASCII_DIGITS = list("0123456789")
FULL_WIDTH_DIGITS = list("０１２３４５６７８９")


def _choose(rng: np.random.Generator, n: int, weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _by_form(
    values: pl.Series, form: np.ndarray, render: dict[int, Callable[[pl.Series], pl.Series]]
) -> pl.Series:
    """Rewrite each form's rows with its renderer, touching only those rows."""
    out = values.clone()
    for f, fn in render.items():
        idx = np.flatnonzero(form == f)
        if len(idx):
            out = out.scatter(idx, fn(values.gather(idx)))
    return out


def _split(values: pl.Series, cuts: list[tuple[int, int]], sep: str) -> pl.Series:
    """Join fixed slices of each value with a separator (e.g. 138-1234-5678)."""
    parts = [values.str.slice(a, b) for a, b in cuts]
    return pl.select(pl.concat_str(parts, separator=sep)).to_series()


def mobile_forms(rng: np.random.Generator, phone: pl.Series) -> pl.Series:
    """Plain, 3-4-4 with hyphens or spaces, +86 prefixed, or full-width digits."""
    form = _choose(rng, len(phone), [0.55, 0.12, 0.10, 0.06, 0.04, 0.13])
    cuts = [(0, 3), (3, 4), (7, 4)]
    return _by_form(
        phone,
        form,
        {
            1: lambda v: _split(v, cuts, "-"),
            2: lambda v: _split(v, cuts, " "),
            3: lambda v: "+86" + v,
            4: lambda v: "+86 " + v,
            5: lambda v: v.str.replace_many(ASCII_DIGITS, FULL_WIDTH_DIGITS),
        },
    )


def id_forms(rng: np.random.Generator, ids: pl.Series) -> pl.Series:
    """Plain, lower-case x (half of the X-ending ones), or split 6-8-4 with spaces."""
    n = len(ids)
    lower = (rng.random(n) < 0.5) & ids.str.ends_with("X").to_numpy()
    ids = _by_form(ids, lower.astype(np.int64), {1: lambda v: v.str.to_lowercase()})
    spaced = (rng.random(n) < 0.07).astype(np.int64)
    return _by_form(ids, spaced, {1: lambda v: _split(v, [(0, 6), (6, 8), (14, 4)], " ")})


def random_ids(
    rng: np.random.Generator, district: np.ndarray, at: dt.date, lo: int, hi: int = 85
) -> pl.Series:
    """Resident IDs of people aged lo..hi at `at`, born locally or elsewhere."""
    n = len(district)
    ages = np.arange(lo, hi + 1)
    birth = birth_dates(rng, at, ages, np.ones(len(ages)), n)
    male = rng.random(n) < 0.5
    return resident_ids(rng, regions.sample_birthplaces(rng, district), birth, male)


def landline_forms(rng: np.random.Generator, district: np.ndarray) -> pl.Series:
    """Landlines with the district's area code: 0571-88123456, 057188123456, (0571)88123456."""
    n = len(district)
    area = pick(regions.AREA_CODES, regions.city_index(district))
    number = landline_numbers(rng, n)
    form = _choose(rng, n, [0.6, 0.25, 0.15])
    sep = pick(["-", "", ")"], form)
    opening = pick(["", "", "("], form)
    return pl.select(pl.concat_str([opening, area, sep, number])).to_series()


def addresses(rng: np.random.Generator, pools: Pools, district: np.ndarray) -> pl.Series:
    """Street addresses in the caller's district: 杭州市西湖区文三路123号(5幢2单元501室)."""
    n = len(district)
    city = pick(regions.CITY_NAMES, regions.city_index(district))
    name = pick(regions.DISTRICT_NAMES, regions.district_index(district))
    street = pools.streets.gather(rng.integers(0, len(pools.streets), size=n))
    number = pl.Series(rng.integers(1, 400, size=n)).cast(pl.String)
    has_flat = pl.Series(rng.random(n) < 0.4)
    building = pl.Series(rng.integers(1, 30, size=n)).cast(pl.String)
    unit = pl.Series(rng.integers(1, 5, size=n)).cast(pl.String)
    room = pl.Series(rng.integers(1, 25, size=n) * 100 + rng.integers(1, 4, size=n)).cast(pl.String)
    flat = pl.concat_str([building, pl.lit("幢"), unit, pl.lit("单元"), room, pl.lit("室")])
    return pl.select(
        pl.concat_str(
            [
                city,
                name,
                street,
                number,
                pl.lit("号"),
                pl.when(has_flat).then(flat).otherwise(pl.lit("")),
            ]
        )
    ).to_series()
