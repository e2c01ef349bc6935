"""Table-level rules: what a column means can depend on the other columns of its table. A
date that equals the birth date inside each row's resident ID is a birth date; a credit code
that repeats across many people is their employer's, not the row's subject; a unique,
fixed-shape code in a table about people keys each person's record; bare numbers in one are
ages or amounts."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.classify.decide import Decision
from transforms.classify.measures import read_measure
from transforms.classify.profiles import DIRECT, NON_PERSONAL, PROFILES, QUASI
from transforms.classify.stats import ColumnStats, as_text
from transforms.detectors.normalize import compact_expr

PERSON_IDS = frozenset(
    e
    for e, p in PROFILES.items()
    if p.category == DIRECT and p.pi_class == "identity" and e not in {"PERSON", "RECORD_ID"}
)
"""Identifiers of one person (resident ID, passport, permits): they make a table about people."""
ANCHORS = frozenset({"identity", "contact", "financial"})
"""PI classes of direct identifiers that make a table one about people."""
ORG_IDS = frozenset({"CN_USCC", "ORGANIZATION"})
TRAITS = frozenset(
    {"PERSON", "GENDER", "DATE_OF_BIRTH", "AGE", "ETHNICITY", "MARITAL_STATUS"}
    | {"POLITICAL_AFFILIATION", "RELIGION", "DIAGNOSIS"}
)
"""Entities only people have: a table with one is about people even without an identifier
(survey microdata, a de-identified extract), so its places, dates and jobs are theirs."""
BIRTH_SHARE = 0.8
"""Share of rows whose date equals the ID's embedded birth date for the date to be one."""
RECORD_UNIQUENESS = 0.99
_RECORD_SHAPE = r"^[0-9A-Za-z][0-9A-Za-z_/-]*[0-9A-Za-z]$"
_EPOCH_OR_STAMP = r"^(?:[0-9]{10}|[0-9]{13}|(?:19|20)[0-9]{12})$"
"""Unix seconds, milliseconds and compact yyyyMMddHHmmss: unique and fixed-length, yet times."""


@dataclass
class Column:
    """One sample column with its per-column decision, statistics and embedded findings."""

    series: pl.Series
    decision: Decision
    stats: ColumnStats
    inside: dict[str, tuple[int, float]]


def _category(col: Column) -> str | None:
    d = col.decision
    return d.category or (PROFILES[d.entity].category if d.entity in PROFILES else None)


def _pi_class(col: Column) -> str | None:
    profile = PROFILES.get(col.decision.entity or "")
    return profile.pi_class if profile else None


def _compact(series: pl.Series) -> pl.Series:
    return pl.select(compact_expr(pl.lit(as_text(series).str.strip_chars()))).to_series()


def birth_share(dates: pl.Series, ids: pl.Series) -> float:
    """Share of rows (both non-null) whose date digits equal the birth date embedded in the
    18-digit resident ID (digits 7-14; 7-12 for a year-month).

    >>> birth_share(pl.Series(["1990-03-07", "1985/1/2"]), pl.Series(["110101199003077571", None]))
    1.0
    """
    parts = as_text(dates).str.extract_all(r"[0-9]+")
    digits = parts.list.eval(pl.element().str.zfill(2)).list.join("")
    idc = _compact(ids)
    frame = pl.DataFrame({"d": digits, "i": idc}).drop_nulls()
    frame = frame.filter(pl.col("i").str.len_chars() == 18)
    if frame.is_empty():
        return 0.0
    n = pl.col("d").str.len_chars()
    hit = ((n == 8) | (n == 6)) & (pl.col("i").str.slice(6, n) == pl.col("d"))
    return float(frame.select(hit.mean()).item() or 0.0)


def _birth_dates(columns: list[Column]) -> None:
    ids = [c for c in columns if c.decision.entity == "CN_RESIDENT_ID"]
    for col in columns:
        if not ids or col.decision.entity not in (None, "DATE"):
            continue
        share = max(birth_share(col.series, i.series) for i in ids)
        if share >= BIRTH_SHARE:
            d = col.decision
            d.entity, d.confidence = "DATE_OF_BIRTH", max(d.confidence, 0.5 + 0.45 * share)
            d.evidence.append(f"equals the birth date in the resident ID for {share:.0%} of rows")


def _org_roles(columns: list[Column]) -> None:
    """In a table with a person identifier, an organisation column with fewer distinct
    values than the person column repeats across people: their employer (quasi). With as
    many, each row is an organisation and the person its representative (direct)."""
    people = [c.stats.distinct for c in columns if c.decision.entity in PERSON_IDS]
    if not people:
        return
    subjects = max(people)
    for col in columns:
        if col.decision.entity not in ORG_IDS:
            continue
        if col.stats.distinct < subjects:
            col.decision.category = QUASI
            col.decision.evidence.append(
                f"{col.stats.distinct} distinct vs {subjects} people: the people's organisation"
            )
        else:
            col.decision.category = DIRECT
            col.decision.evidence.append("one per row: the organisation is the table's subject")


def _organisations(columns: list[Column]) -> None:
    """In a table whose rows are organisations (an organisation code one per row), a plain
    date (not a birth date found in a resident ID) or an amount is the organisation's: its
    founding, its capital, no person's event or money."""
    if not any(c.decision.entity in ORG_IDS and c.decision.category == DIRECT for c in columns):
        return
    for col in columns:
        d = col.decision
        if d.entity in ("DATE", "DATETIME", "MONEY") and d.category is None:
            d.category = NON_PERSONAL
            d.evidence.append("of the organisation each row is about: non-personal")


def is_record_id(series: pl.Series, st: ColumnStats) -> bool:
    """Unique values of one fixed length and a code shape (letters, digits, - _ /), not a
    date, time or decimal: a record number such as 12345-20250101-000001.

    >>> from transforms.classify.stats import column_stats
    >>> s = pl.Series(["A-2025-0001", "A-2025-0002"])
    >>> is_record_id(s, column_stats(s))
    True
    >>> s = pl.Series(["1735689600", "1735689601"])
    >>> is_record_id(s, column_stats(s))
    False
    """
    if st.uniqueness < RECORD_UNIQUENESS or st.date_share >= 0.5 or st.distinct < 2:
        return False
    text = as_text(series).drop_nulls().str.strip_chars()
    length = text.str.len_chars()
    if length.min() != length.max() or (length.min() or 0) < 6:
        return False
    if not text.str.contains(_RECORD_SHAPE).all() or not text.str.contains("[0-9]").all():
        return False
    digits_only = text.str.contains(r"^[0-9]+$")
    return not (digits_only & ((length < 12) | text.str.contains(_EPOCH_OR_STAMP))).any()


def _record_ids(columns: list[Column]) -> None:
    for col in columns:
        if col.decision.lookalike:
            continue  # an order number or serial shaped like an identifier keys no person
        if col.decision.entity is None and is_record_id(col.series, col.stats):
            d = col.decision
            d.entity, d.confidence = "RECORD_ID", 0.6
            d.evidence.append("unique fixed-shape codes in a table about people: record ids")


def apply_table_rules(columns: list[Column]) -> bool:
    """Apply the table-level rules in place; returns whether the table is about people
    (some direct identifier of identity, contact or finances, or a trait only people
    have), which CONTEXTUAL needs. Record ids need an identifier; ages and amounts read from
    bare numbers need a table about people."""
    _birth_dates(columns)
    _org_roles(columns)
    personal = any(_category(c) == DIRECT and _pi_class(c) in ANCHORS for c in columns)
    if personal:
        _record_ids(columns)
    about_people = personal or any(c.decision.entity in TRAITS for c in columns)
    if about_people:
        _measures(columns)
    _organisations(columns)
    return about_people


def _measures(columns: list[Column]) -> None:
    """Numbers no other rule named, in a table about people (transforms/classify/measures.py)."""
    for col in columns:
        d = col.decision
        if d.entity is None and not d.lookalike and (found := read_measure(col.series, col.stats)):
            d.entity, d.confidence = found[0], 0.5
            d.evidence.append(found[1])
