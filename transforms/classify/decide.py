"""The per-column decision: combine value evidence, header hints and statistics into one
entity and category. Order of trust: identifiers that validate (checksums do not lie), also
when mixed among other values far above chance > free-text shape > header hints (checked
against the values; identifier hints set aside for look-alikes, whose values fail the check) >
value shapes > value vocabularies > fallback."""

from __future__ import annotations

from dataclasses import dataclass, field

from transforms.classify.hints import Hint
from transforms.classify.lookalike import describe, lookalikes, mixed
from transforms.classify.stats import ColumnStats
from transforms.detectors.registry import ALL_DETECTORS

STRONG = 0.8
"""Share of non-null values that must validate for value evidence to win outright."""
FREE_SHARE, FREE_MEAN_LEN = 0.5, 12.0
IDENTIFIER_HINTS = frozenset(ALL_DETECTORS)
DATES = frozenset({"DATE", "DATETIME", "DATE_OF_BIRTH"})
VALUE_SHAPES = (
    ("DIAGNOSIS", 0.8),
    ("GENDER", 0.9),
    ("ORGANIZATION", 0.8),
    ("CN_DISTRICT_CODE", 0.9),
)
"""Shapes that name the column on their own, with the share of values that must fit. A
district code counts for people only in a table about people (classify.CONTEXTUAL)."""
VOCABULARIES = (
    ("DIAGNOSIS", 0.6),
    ("RELIGION", 0.6),
    ("MARITAL_STATUS", 0.6),
    ("ETHNICITY", 0.6),
    ("POLITICAL_AFFILIATION", 0.6),
    ("EDUCATION", 0.6),
    ("OCCUPATION", 0.6),
    ("INDUSTRY", 0.6),
    ("CN_DISTRICT_NAME", 0.6),
    ("CN_DISTRICT_CODE", 0.8),
)
"""Vocabularies that name the column when the header does not, with the share of answering
values that must be in them; sensitive ones first, so they win a tie."""
VOCAB_HINTS = frozenset(e for e, _ in VOCABULARIES) | {"GENDER", "ORGANIZATION"}


@dataclass
class Decision:
    """An entity (None = nothing personal seen), an optional category override, a
    confidence and the evidence that led there."""

    entity: str | None
    confidence: float
    category: str | None = None
    evidence: list[str] = field(default_factory=list)
    lookalike: dict[str, float] = field(default_factory=dict)
    """Identifiers the values are shaped like but fail the check of (entity -> fail share)."""


def _best_detector(shares: dict[str, float]) -> tuple[str | None, float]:
    best, top = None, 0.0
    for name in ALL_DETECTORS:  # precedence order breaks ties
        share = shares.get(name, 0.0)
        if share > top + 1e-9:
            best, top = name, share
    return best, top


def _hint_for(hints: list[Hint], entity: str) -> Hint | None:
    return next((h for h in hints if h.entity == entity), None)


def _from_hint(hint: Hint, st: ColumnStats, shares: dict[str, float]) -> Decision | None:
    """Accept a hint if the values do not contradict it; None lets the next rule decide."""
    entity, conf = hint.entity, hint.weight
    if entity == "RECORD_ID":
        if st.distinct_ratio < 0.9:
            return None  # an 'id' that repeats is a code or a foreign key, not a record key
        conf = min(0.9, conf + 0.3)
    elif entity == "PERSON":
        conf *= 0.6 + 0.4 * max(st.han_name_share, min(1.0, st.distinct_ratio * 5))
    elif entity in DATES:
        if st.date_share < 0.5 and st.rows and not (entity == "DATETIME" and hint.weight >= 0.5):
            return None if hint.weight < 0.5 else Decision(entity, conf * 0.6, hint.category)
        if entity == "DATE" and st.datetime_share >= 0.5:
            entity = "DATETIME"
        conf = min(0.95, conf + 0.3 * st.date_share)
    elif entity in {"MONEY", "AGE", "COUNT"}:
        conf *= 0.6 + 0.4 * st.numeric_share
    elif entity in VOCAB_HINTS:
        seen = max(shares.get(f"shape:{entity}", 0.0), shares.get(f"vocab:{entity}", 0.0))
        conf = min(0.95, conf + 0.2 * seen)
    elif entity in IDENTIFIER_HINTS:
        share = shares.get(entity, 0.0)
        conf *= 0.5 + 0.5 * share  # masked or dirty identifiers: keep them, less sure
    elif entity == "FREE_TEXT" and st.mean_len < FREE_MEAN_LEN:
        return None
    return Decision(entity, round(conf, 3), hint.category)


def decide(hints: list[Hint], st: ColumnStats, shares: dict[str, float]) -> Decision:
    """One column's entity and category override from its evidence (see module doc)."""
    n = max(1, round(st.rows * (1 - st.null_share)))
    evidence = [f"hint {h.source} -> {h.entity} ({h.weight})" for h in hints[:3]]
    for name, share in sorted(_value_shares(shares).items(), key=lambda kv: -kv[1])[:3]:
        what = name.replace(":", " ", 1) if ":" in name else f"detector {name}"
        evidence.append(f"{what}: {round(share * n)}/{n} values ({share:.2f})")
    evidence.append(st.describe())
    if st.rows == 0 or st.null_share >= 1.0:
        return Decision(None, 0.3, None, [*evidence, "no non-null values"])

    best, top = _best_detector(shares)
    if best is not None and top >= STRONG:
        hint = _hint_for(hints, best)
        conf = min(0.99, 0.5 + 0.45 * top + (0.05 if hint else 0.0))
        return Decision(best, round(conf, 3), hint.category if hint else None, evidence)
    found = mixed(shares)
    if found is not None and (found[0] == best or top < 0.5):  # else the larger share decides
        entity, share = found
        note = f"{share:.0%} of values pass the {entity} check, far above chance: identifiers"
        hint = _hint_for(hints, entity)
        category = hint.category if hint else None
        return Decision(entity, round(0.3 + 0.5 * share, 3), category, [*evidence, note])
    fakes = lookalikes(shares)
    evidence += [describe(e, fail) for e, fail in fakes.items()]
    decision = _undecided(hints, st, shares, evidence, fakes)
    decision.lookalike = fakes
    return decision


def _value_shares(shares: dict[str, float]) -> dict[str, float]:
    """Detector and shape shares, of all values (vocabularies count answers only, and
    look-alike failure shares say what values are not: both have their own lines)."""
    return {k: v for k, v in shares.items() if not k.startswith(("lookalike:", "vocab:"))}


def _vocabulary(shares: dict[str, float]) -> tuple[str | None, float]:
    """The vocabulary most of the answering values are in, if one holds enough of them."""
    found = [(shares.get(f"vocab:{e}", 0.0), -i, e) for i, (e, _) in enumerate(VOCABULARIES)]
    share, _, entity = max(found)
    return (entity, share) if share >= dict(VOCABULARIES)[entity] else (None, share)


def _undecided(
    hints: list[Hint],
    st: ColumnStats,
    shares: dict[str, float],
    evidence: list[str],
    fakes: dict[str, float],
) -> Decision:
    """The rules after the certain identifiers: free text, header hints (not those the
    values are a look-alike of), value shapes and vocabularies, statistics."""
    best, top = _best_detector(shares)

    if st.free_text_share >= FREE_SHARE and st.mean_len >= FREE_MEAN_LEN and st.date_share < 0.5:
        return Decision("FREE_TEXT", round(0.5 + 0.4 * st.free_text_share, 3), None, evidence)

    for hint in hints:
        if fakes and (hint.entity in IDENTIFIER_HINTS or hint.entity == "RECORD_ID"):
            evidence.append(f"header hint {hint.entity} set aside: the values are look-alikes")
            continue
        decision = _from_hint(hint, st, shares)
        if decision is not None:
            decision.evidence = evidence
            return decision

    for entity, need in VALUE_SHAPES:
        if shares.get(f"shape:{entity}", 0.0) >= need:
            return Decision(entity, 0.7, None, evidence)
    entity, share = _vocabulary(shares)
    if entity is not None:
        evidence.append(f"values are in the {entity} vocabulary ({share:.0%} of answers)")
        return Decision(entity, round(0.5 + 0.4 * share, 3), None, evidence)
    if best is not None and top >= 0.5 and best not in fakes:
        return Decision(best, round(0.3 + 0.5 * top, 3), None, evidence)
    if st.date_share >= STRONG:
        entity = "DATETIME" if st.datetime_share >= 0.5 else "DATE"
        return Decision(entity, 0.6, None, evidence)
    if st.han_name_share >= 0.9 and st.distinct >= 20 and st.distinct_ratio >= 0.3:
        return Decision("PERSON", 0.45, None, [*evidence, "many distinct 2-5 Han strings"])
    low_card = st.distinct <= 50 or st.distinct_ratio < 0.05
    return Decision(None, 0.7 if low_card else 0.4, None, evidence)
