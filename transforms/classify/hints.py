"""Header hints: what a column's name says it holds.

Headers in Chinese public data come in three spellings: Chinese (身份证号), English
(id_number) and pinyin initials (zjhm). Chinese names are matched by fragment, since they
are compounds (联系人证件号码); English and pinyin only as the whole name or one
snake_case token, since short initials (dz, zz) would match inside unrelated words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from transforms.classify.hint_table import CHINESE, TOKENS


@dataclass(frozen=True)
class Hint:
    """One header clue: the entity it suggests, how much to trust it, and an optional
    category override (an employer's credit code in a person's row is only quasi)."""

    entity: str
    weight: float
    category: str | None = None
    source: str = ""


def normalise_header(name: str) -> str:
    """NFKC, lower case, separators unified to "_", so 'Patient ID', 'patientId' and
    'PATIENT-ID' meet the same table.

    >>> normalise_header(" Patient-ID ")
    'patient_id'
    >>> normalise_header("patientId")
    'patient_id'
    """
    text = unicodedata.normalize("NFKC", name).strip()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).lower()
    return re.sub(r"[\s\-./()（）:：]+", "_", text).strip("_")


def match_hints(name: str) -> list[Hint]:
    """All hints for a header, best first: whole-name matches, then tokens, then Chinese
    fragments (the one ending last and longest first: the head noun closes a compound).

    >>> [h.entity for h in match_hints("联系人证件号码")][:2]
    ['CN_RESIDENT_ID', 'PERSON']
    >>> match_hints("applicant_mobile")[0].entity
    'CN_MOBILE'
    >>> match_hints("xmz")
    []
    """
    norm = normalise_header(name)
    found: list[tuple[tuple[int, int, int], Hint]] = []
    if norm in TOKENS:
        entity, weight, cat = TOKENS[norm]
        found.append(((3, len(norm), 0), Hint(entity, weight, cat, f"header '{norm}'")))
    tokens = [t for t in norm.split("_") if t]
    if len(tokens) > 1:
        for pos, tok in enumerate(tokens):
            if tok in TOKENS:
                entity, weight, cat = TOKENS[tok]
                found.append(((2, pos, len(tok)), Hint(entity, weight, cat, f"token '{tok}'")))
    for frag, (entity, weight, cat) in CHINESE.items():
        end = norm.rfind(frag)
        if end >= 0:
            key = (1, end + len(frag), len(frag))
            found.append((key, Hint(entity, weight, cat, f"fragment '{frag}'")))
    found.sort(key=lambda item: item[0], reverse=True)
    seen: set[str] = set()
    hints = []
    for _, hint in found:
        if hint.entity not in seen:
            seen.add(hint.entity)
            hints.append(hint)
    return hints
