"""Chinese names in text written in Latin letters (a ticket typed in English, a form's English
labels): a run of Han characters standing alone between Latin words, led by a listed surname
with a one- or two-character given name or unknown to the dictionary, and not a word it holds
as something else (caller 王小明 reported, from 禤永康; from 杭州 is a place, via 小程序 an
app); and a surname or full name after an English title (Mr 陈, Ms. 欧阳娜娜). Names written
in pinyin are not found."""

from __future__ import annotations

import re

from transforms.detectors.surnames import surname_of
from transforms.redact.chars import FUNCTION, HAN, NOT_SURNAME
from transforms.redact.words import common, rare

_BETWEEN = re.compile(
    rf"(?:(?<=[A-Za-z0-9]\s)|(?<=[A-Za-z0-9][,:;]\s)|(?<=[A-Za-z][:,]))([{HAN}]{{2,4}})"
    r"(?=[\s,.;:!?)]|$)"
)
_TITLED = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Madam|Dr)\.?\s?([{HAN}]{{1,4}})(?![{HAN}])")


def _full_name(word: str) -> bool:
    """A listed surname and a one- or two-character given name, not a common word; or two or
    three characters no dictionary knows (a rare surname: 禤永康)."""
    surname = surname_of(word) or ""
    if any(c in FUNCTION for c in word) or common(word):
        return False
    if surname:
        return 1 <= len(word) - len(surname) <= 2
    return len(word) <= 3 and word[0] not in NOT_SURNAME and rare(word)


def latin_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, "PERSON") of the names standing among Latin words.

    >>> t = "caller 许一 from 杭州 reported, Mr 陈 too"
    >>> [t[s:e] for s, e, _ in latin_names(t)]
    ['许一', '陈']
    """
    found = [(m.start(1), m.end(1)) for m in _BETWEEN.finditer(text) if _full_name(m.group(1))]
    for m in _TITLED.finditer(text):
        word = m.group(1)
        if _full_name(word) or surname_of(word) == word:
            found.append((m.start(1), m.end(1)))
    return [(start, end, "PERSON") for start, end in found]
