"""Small pools of Faker zh_CN values, sampled afterwards with numpy.

Calling Faker per row costs ~200 us; a pool of a few thousand values drawn once per seed and then
indexed with numpy costs nothing per row. Everything is filtered to GBK so the legacy-encoded CSV
can hold any value. Only Faker providers that do not look at today's date are used.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import polars as pl
from faker import Faker
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider

POOL_SIZE = 4000
STREETS = 1500
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def gbk_ok(text: str) -> bool:
    """True if the text can be written to a GBK-encoded file."""
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Pools:
    """Value pools for one seed; names are split by sex so names agree with ID numbers."""

    male_names: pl.Series
    female_names: pl.Series
    streets: pl.Series
    company_cores: pl.Series

    def names(self, rng: np.random.Generator, male: np.ndarray) -> pl.Series:
        """A name per row, drawn from the pool matching the row's sex."""
        n = len(male)
        m = self.male_names.gather(rng.integers(0, len(self.male_names), size=n))
        f = self.female_names.gather(rng.integers(0, len(self.female_names), size=n))
        return pl.select(pl.when(pl.Series(male)).then(m).otherwise(f)).to_series()

    def any_names(self, rng: np.random.Generator, n: int) -> pl.Series:
        """Names of either sex (for people mentioned in free text)."""
        return self.names(rng, rng.random(n) < 0.5)


def _names(rng: np.random.Generator, first_names: list[str], n: int) -> pl.Series:
    """Surname (Faker's frequency table) + given name: a Faker first name or two singles joined."""
    surnames = list(PersonProvider.last_names)
    weights = np.array(list(PersonProvider.last_names.values()), dtype=float)
    singles = np.array([x for x in first_names if len(x) == 1])
    whole = np.array(first_names)
    last = np.array(surnames)[rng.choice(len(surnames), size=n, p=weights / weights.sum())]
    two = np.char.add(
        singles[rng.integers(0, len(singles), n)], singles[rng.integers(0, len(singles), n)]
    )
    given = np.where(rng.random(n) < 0.5, two, whole[rng.integers(0, len(whole), n)])
    full = np.char.add(last, given).tolist()
    return pl.Series([x for x in dict.fromkeys(full) if gbk_ok(x)], dtype=pl.String)


def _company_cores(fake: Faker) -> pl.Series:
    """Faker's company prefixes plus two-character recombinations of their characters."""
    prefixes = [
        p
        for p in dict.fromkeys(CompanyProvider.company_prefixes)
        if _CJK.match(p) and "公司" not in p
    ]
    chars = sorted({c for p in prefixes for c in p})
    pairs = [a + b for a in chars for b in chars if a != b]
    fake.random.shuffle(pairs)
    cores = [p for p in dict.fromkeys(prefixes + pairs) if gbk_ok(p)]
    return pl.Series(cores, dtype=pl.String)


@functools.lru_cache(maxsize=4)
def build_pools(seed: int) -> Pools:
    """Build the pools for a seed (cached: every resource of one run shares them)."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = np.random.default_rng([seed, 7])
    male = _names(rng, list(PersonProvider.first_names_male), POOL_SIZE)
    female = _names(rng, list(PersonProvider.first_names_female), POOL_SIZE)
    streets = [s for s in dict.fromkeys(fake.street_name() for _ in range(STREETS)) if gbk_ok(s)]
    return Pools(
        male_names=male,
        female_names=female,
        streets=pl.Series(streets, dtype=pl.String),
        company_cores=_company_cores(fake),
    )
