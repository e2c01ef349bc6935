"""classify_frame: classify and grade every column of a frame (分类分级), from a seeded
sample so that large resources cost the same as small ones and reruns agree."""

from __future__ import annotations

from typing import Any

import polars as pl

from transforms.classify.context import Column, apply_table_rules
from transforms.classify.decide import Decision, decide
from transforms.classify.hints import match_hints
from transforms.classify.profiles import (
    DIRECT,
    FREE_TEXT,
    GRADES,
    NON_PERSONAL,
    PROFILES,
    UNKNOWN,
    apply_floors,
)
from transforms.classify.stats import ColumnStats, as_text, column_stats
from transforms.classify.stricter import sensitive_values, stricter_note
from transforms.classify.values import embedded_shares, frame_value_shares

CONTEXTUAL = frozenset(
    {"DATE", "DATETIME", "MONEY", "COUNT", "INDUSTRY", "CN_DISTRICT_CODE", "CN_DISTRICT_NAME"}
    | {"OCCUPATION", "EDUCATION", "RECORD_ID"}
)
"""Entities that are personal only in a table about people: a date in a person's record is a
quasi-identifier, the same date in a list of road works is not; a job title and a required
education in a list of vacancies, or an order number in a stock ledger, describe no one."""
SENSITIVE_INSIDE = frozenset(e for e, p in PROFILES.items() if p.sensitive)
MINOR_AGE = 14
NAME_SHARE = 0.8
"""Share of values that must be whole person names for a column with no other reading."""
MIN_NAMES = 20
"""Distinct names that make a name column, however often each repeats (one row per person
per month or per benefit): a column of a few names may be a list of staff on duty."""


def _enough_names(st: ColumnStats) -> bool:
    """Names repeat in real tables, so the distinct ratio says little; a column that is
    almost all names needs only enough different ones (or to be small and varied)."""
    return st.distinct >= MIN_NAMES or st.distinct_ratio >= 0.2


def _sample(frame: pl.DataFrame, sample_rows: int, seed: int) -> pl.DataFrame:
    if frame.height <= sample_rows:
        return frame
    return frame.sample(n=sample_rows, seed=seed, shuffle=False)


def _embedded(series: pl.Series, st: ColumnStats) -> tuple[dict[str, tuple[int, float]], bool]:
    """Embedded findings for text-like columns, and whether any is sensitive."""
    if st.mean_len < 8 or st.null_share >= 1.0:
        return {}, False
    found = embedded_shares(series)
    return found, any(e in SENSITIVE_INSIDE for e in found)


def _column(
    series: pl.Series, shares: dict[str, float]
) -> tuple[Decision, ColumnStats, dict[str, tuple[int, float]]]:
    st = column_stats(series)
    decision = decide(match_hints(series.name), st, shares)
    names = shares.get("shape:PERSON", 0.0)
    if decision.entity in (None, "PERSON") and names >= NAME_SHARE and _enough_names(st):
        conf = max(decision.confidence if decision.entity else 0.0, 0.4 + 0.5 * names)
        decision.entity, decision.confidence = "PERSON", round(conf, 3)
        decision.evidence.append("values are whole person names (known surname + given name)")
    inside: dict[str, tuple[int, float]] = {}
    if decision.entity in (None, "FREE_TEXT") and not decision.lookalike:
        inside, _ = _embedded(series, st)
        if decision.entity is None and any(share >= 0.1 for _, share in inside.values()):
            decision.entity, decision.confidence = "FREE_TEXT", 0.5
            decision.evidence.append("identifiers inside >= 10% of values")
    for entity, (rows, share) in inside.items():
        decision.evidence.append(f"embedded {entity}: {rows} rows ({share:.2f})")
    return decision, st, inside


def _min_value(series: pl.Series) -> float | None:
    nums = as_text(series).str.strip_chars().cast(pl.Float64, strict=False).drop_nulls()
    return float(nums.min()) if len(nums) else None  # type: ignore[arg-type]


def _record(
    series: pl.Series,
    decision: Decision,
    inside: dict[str, tuple[int, float]],
    personal_table: bool,
    shares: dict[str, float],
) -> dict[str, Any]:
    entity = decision.entity
    profile = PROFILES.get(entity, UNKNOWN) if entity else UNKNOWN
    category = decision.category or profile.category
    pi_class, sensitive, grade = profile.pi_class, profile.sensitive, profile.grade
    evidence = list(decision.evidence)
    if entity in CONTEXTUAL and not decision.category and not personal_table:
        category = NON_PERSONAL
        evidence.append("no person identifier or trait in table: treated as non-personal")
    if category == NON_PERSONAL:
        pi_class, sensitive, grade = None, False, "general-1"
    if category == FREE_TEXT and any(e in SENSITIVE_INSIDE for e in inside):
        sensitive = True
        evidence.append("sensitive identifiers inside free text")
    if entity == "AGE" and (low := _min_value(series)) is not None and low < MINOR_AGE:
        sensitive = True
        evidence.append(f"ages below {MINOR_AGE} present: children's data (PIPL art. 28)")
    if not sensitive and category not in (DIRECT, FREE_TEXT) and (seen := sensitive_values(shares)):
        found = PROFILES[seen[0]]
        if category == NON_PERSONAL:
            entity, category, pi_class = seen[0], found.category, found.pi_class
        sensitive = True
        evidence.append(stricter_note(*seen))
    grade = apply_floors(grade, personal=pi_class is not None, sensitive=sensitive)
    return {
        "name": series.name,
        "category": category,
        "entity": entity,
        "pi_class": pi_class,
        "sensitive_pi": sensitive,
        "grade": grade,
        "confidence": round(min(1.0, max(0.0, decision.confidence)), 3),
        "evidence": evidence,
    }


def classify_frame(
    frame: pl.DataFrame, *, resource: str, sample_rows: int = 5000, seed: int = 0
) -> dict[str, Any]:
    """Classify and grade each column of `frame` from a seeded sample of at most
    `sample_rows` rows. Table grade = the highest column grade (就高从严).

    >>> out = classify_frame(pl.DataFrame({"zjhm": ["110101199003077571"]}), resource="r")
    >>> (out["table_grade"], out["columns"][0]["entity"], out["columns"][0]["category"])
    ('general-4', 'CN_RESIDENT_ID', 'direct_identifier')
    """
    sample = _sample(frame, max(1, sample_rows), seed)
    shares = frame_value_shares(sample)
    columns = [Column(sample[n], *_column(sample[n], shares[n])) for n in sample.columns]
    personal_table = apply_table_rules(columns)
    records = [
        _record(c.series, c.decision, c.inside, personal_table, shares[c.series.name])
        for c in columns
    ]
    grades = [c["grade"] for c in records] or ["general-1"]
    return {
        "resource": resource,
        "table_grade": max(grades, key=GRADES.index),
        "columns": records,
    }
