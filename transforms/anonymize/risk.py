"""Re-identification risk of a record-level release, measured on its quasi-identifiers.

An equivalence class is the set of records sharing one combination of quasi-identifier values
(a null is a value like any other). With n records, J classes and class sizes f_j (sizes F_j of
the same classes in a population table, when one is given):

- prosecutor risk of a record = 1 / f_j: the attacker knows the person is in the release;
  maximum = 1 / min f_j; average over records = (1/n) sum_records 1/f_j = J / n;
- marketer risk = expected share of records an attacker re-identifies by linking the whole
  release: without a population it is J / n, which is also the average prosecutor risk (ARX
  reports it as "average (marketer) risk" when sample = population); with a population it is
  (1/n) sum_j f_j / F_j;
- journalist risk = 1 / min F_j over the classes present in the release: the attacker does not
  know whether the person is in it; without a population it equals the prosecutor maximum;
- sample uniques = share of records in classes of size 1;
- records at risk = share of records whose prosecutor risk 1 / f_j exceeds a threshold.

These are the figures ARX reports as "re-identification risk"; on the UCI Adult data with its 8
quasi-identifiers they are 1.0, 0.600, 46.5% and 72.9% (threshold 0.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from transforms.errors import TransformError

Environment = Literal["public", "controlled", "enclave"]

RISK_THRESHOLDS: dict[str, float] = {"public": 0.05, "controlled": 0.2, "enclave": 1 / 3}
"""Highest prosecutor risk a record may carry per release environment: fully public 0.05
(k >= 20), controlled sharing 0.2 (k >= 5), enclave 1/3 (k >= 3). Source: domain.md, section
"De-identification (GB/T 37964-2019 ...)", bullet "Release environments", tagged [M, verify]: a
commonly used reading, to be checked against the official standard before it is relied on."""

DEFAULT_THRESHOLD = 0.2
"""Records at risk of a release that names no environment and whose classes meet none: ARX's
default threshold."""


def environment_met(k: int | None) -> Environment | None:
    """The strictest environment a release whose every class holds at least `k` records meets
    (its highest prosecutor risk, 1 / k, is within the environment's threshold); None below the
    enclave's k or without a k.

    >>> environment_met(20), environment_met(7), environment_met(3), environment_met(2)
    ('public', 'controlled', 'enclave', None)
    >>> environment_met(None) is None
    True
    """
    if k is None:
        return None
    met = [env for env, limit in RISK_THRESHOLDS.items() if 1.0 / k <= limit + 1e-12]
    return min(met, key=RISK_THRESHOLDS.__getitem__, default=None)  # type: ignore[return-value]


def threshold_for(environment: str | None = None, k: int | None = None) -> float:
    """The prosecutor risk above which a record counts as at risk: the threshold of the
    environment the release is for, else of the strictest one its `k` meets, else ARX's 0.2.
    Records at risk are the records the environment would not accept.

    >>> threshold_for("public"), threshold_for(None, 25), threshold_for(None, 4), threshold_for()
    (0.05, 0.05, 0.3333333333333333, 0.2)
    """
    named = environment or environment_met(k)
    if named is None:
        return DEFAULT_THRESHOLD
    try:
        return RISK_THRESHOLDS[named]
    except KeyError:
        raise TransformError(
            f"unknown release environment {named!r}; known: {sorted(RISK_THRESHOLDS)}"
        ) from None


@dataclass(frozen=True)
class RiskProfile:
    """Risk figures of one release; shares and risks are in [0, 1]."""

    records: int
    classes: int
    min_class_size: int
    avg_class_size: float
    prosecutor_max_risk: float
    prosecutor_avg_risk: float
    marketer_risk: float
    journalist_max_risk: float
    sample_uniques: float
    records_at_risk: float
    threshold: float


def _class_sizes(frame: pl.DataFrame, quasi_identifiers: list[str]) -> pl.DataFrame:
    if not quasi_identifiers:
        return pl.DataFrame({"_f": [frame.height]}, schema={"_f": pl.Int64})
    return frame.group_by(quasi_identifiers).agg(pl.len().cast(pl.Int64).alias("_f"))


def _check_columns(frame: pl.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TransformError(f"{what} lacks the quasi-identifier columns {missing}")


def risk_profile(
    frame: pl.DataFrame,
    quasi_identifiers: list[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    population: pl.DataFrame | None = None,
) -> RiskProfile:
    """Measure the re-identification risk of `frame` (see the module docstring for formulas).

    Without quasi-identifiers the whole table is one class. `population`, when given, must
    contain every record of the release (each class at least as large as in `frame`); it
    turns the journalist and marketer figures into population-based ones.

    >>> f = pl.DataFrame({"age": [30, 30, 40, 50, 50, 50]})
    >>> p = risk_profile(f, ["age"])
    >>> p.prosecutor_max_risk, p.classes, p.sample_uniques
    (1.0, 3, 0.16666666666666666)
    >>> p.prosecutor_avg_risk == p.marketer_risk == 0.5
    True
    """
    if frame.height == 0:
        raise TransformError("cannot measure the risk of an empty table")
    if not 0.0 <= threshold <= 1.0:
        raise TransformError(f"threshold must be in [0, 1], got {threshold}")
    _check_columns(frame, quasi_identifiers, "the release")
    sizes = _class_sizes(frame, quasi_identifiers)
    n = frame.height
    f = sizes["_f"]
    classes = sizes.height
    min_size = int(f.min())  # type: ignore[arg-type]
    prosecutor_max = 1.0 / min_size
    uniques = int(f.filter(f == 1).sum())
    at_risk = int(f.filter((1.0 / f) > threshold).sum())
    journalist_max = prosecutor_max
    marketer = classes / n
    if population is not None:
        _check_columns(population, quasi_identifiers, "the population")
        pop = _class_sizes(population, quasi_identifiers).rename({"_f": "_F"})
        joined = (
            sizes.join(pop, on=quasi_identifiers, how="left", nulls_equal=True)
            if quasi_identifiers
            else sizes.with_columns(_F=pl.lit(population.height, pl.Int64))
        )
        if joined.filter(pl.col("_F").is_null() | (pl.col("_F") < pl.col("_f"))).height:
            raise TransformError("the population does not contain every record of the release")
        journalist_max = 1.0 / int(joined["_F"].min())  # type: ignore[arg-type]
        marketer = float((joined["_f"] / joined["_F"]).sum()) / n
    return RiskProfile(
        records=n,
        classes=classes,
        min_class_size=min_size,
        avg_class_size=n / classes,
        prosecutor_max_risk=prosecutor_max,
        prosecutor_avg_risk=classes / n,
        marketer_risk=marketer,
        journalist_max_risk=journalist_max,
        sample_uniques=uniques / n,
        records_at_risk=at_risk / n,
        threshold=threshold,
    )


def meets_environment(profile: RiskProfile, environment: Environment | str) -> bool:
    """True when no record's prosecutor risk exceeds the environment's threshold.

    The prosecutor maximum is used because it is the worst case: a population only lowers the
    journalist figure, and a release must hold even against someone who knows who is in it.

    >>> p = risk_profile(pl.DataFrame({"g": ["a"] * 5 + ["b"] * 5}), ["g"])
    >>> meets_environment(p, "controlled"), meets_environment(p, "public")
    (True, False)
    """
    try:
        limit = RISK_THRESHOLDS[environment]
    except KeyError:
        raise TransformError(
            f"unknown release environment {environment!r}; known: {sorted(RISK_THRESHOLDS)}"
        ) from None
    return profile.prosecutor_max_risk <= limit
