"""The stricter side for sensitive values: a column is never released as non-personal while
a meaningful share of its answers are diagnoses, religions or marital histories (PIPL art. 28;
GB/T 35273 annex B), whatever its header says or the other rules decided. A list of disease
names that describes no one is graded too high; a diagnosis column graded too low is the worst
error a classifier can make, so the doubt goes to the stricter side."""

from __future__ import annotations

from transforms.classify.profiles import PROFILES
from transforms.classify.vocabulary import VOCAB_ENTITIES

SENSITIVE_VOCABULARIES = tuple(e for e in VOCAB_ENTITIES if PROFILES[e].sensitive)
MEANINGFUL = 0.2
"""Share of a column's answers in a sensitive vocabulary that makes the column sensitive."""


def sensitive_values(shares: dict[str, float]) -> tuple[str, float] | None:
    """The sensitive vocabulary with the largest share of answers, if that share is
    meaningful.

    >>> sensitive_values({"vocab:DIAGNOSIS": 0.35, "vocab:RELIGION": 0.02})
    ('DIAGNOSIS', 0.35)
    >>> sensitive_values({"vocab:RELIGION": 0.1}) is None
    True
    """
    share, entity = max((shares.get(f"vocab:{e}", 0.0), e) for e in SENSITIVE_VOCABULARIES)
    return (entity, share) if share >= MEANINGFUL else None


def stricter_note(entity: str, share: float) -> str:
    """The evidence line that says the stricter side was taken, and why."""
    return (
        f"stricter side: {share:.0%} of answers are in the {entity} vocabulary; sensitive "
        "personal information (PIPL art. 28) is never treated as non-personal"
    )
