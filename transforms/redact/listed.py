"""Names that stand as a whole item of a list or form (退费申请，马华明，开户行...), or as the
person a call was with (与许勇建沟通, 联系王芳，), or after 的 before a clause mark."""

from __future__ import annotations

import re

from transforms.detectors.surnames import SURNAME_PATTERN, surname_of
from transforms.redact.chars import FUNCTION, HAN
from transforms.redact.words import common, rare

_ITEM = "，,：:｜|；;、"
_LISTED = re.compile(
    rf"(?<=[{_ITEM}])((?:{SURNAME_PATTERN}|[{HAN}])\s?[{HAN}]{{1,2}})(?=[{_ITEM}])"
)
_PARTNER = re.compile(
    rf"(?<=[与和跟同])([{HAN}]\s?[{HAN}]{{1,3}}?)(?=沟通|联系|通话|核实|确认|协商|见面)"
    rf"|(?<=联系|告知|通知|致电)([{HAN}]\s?[{HAN}]{{1,2}})(?=[{_ITEM}。])"
    rf"|(?<=的)([{HAN}]\s?[{HAN}]{{1,2}})(?=[{_ITEM}。])"
    rf"|(?<=我)([{HAN}]\s?[{HAN}]{{1,2}})(?=[啊呀哈呢嘛])"
)
_NUMERALS = frozenset("一二三四五六七八九十百千万零两")
_NEGATION = frozenset("不没未无非")


def listed_names(text: str) -> list[tuple[int, int, str]]:
    """A name that is a whole item of a list or form (退费申请，马华明，开户行...), or the
    person a call was with (与许勇建沟通): surname-led and not a common word, or a word no
    dictionary knows."""
    out = []
    for m in [*_LISTED.finditer(text), *_PARTNER.finditer(text)]:
        group = 1 if m.group(1) is not None else m.lastindex or 1
        word = re.sub(r"\s", "", m.group(group))
        # 一 may end a given name (与梁一一沟通); no name starts with a number or 不 (通知不到位)
        numbers = any(c in FUNCTION or (c in _NUMERALS and c != "一") for c in word)
        plain = not numbers and word[0] not in _NUMERALS and word[0] not in _NEGATION
        if plain and ((surname_of(word) and not common(word)) or rare(word)):
            out.append((m.start(group), m.end(group), "PERSON"))
    return out
