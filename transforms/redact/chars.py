"""Characters the name and address rules share."""

from __future__ import annotations

HAN = "一-鿿"
"""The CJK unified ideographs, as a regex range."""
FUNCTION = frozenset("的了在和与及是将已也都又被把给对向从称说其该此这那我你他她它们请")
"""Function characters: a name or a place word does not hold them (a few are surnames too,
向, 于, 和, which the rules after a role word allow)."""
NOT_SURNAME = frozenset("女男老小大该这那此其某本各每位名个副总")
"""Characters that open words, not names (小程序, 老人, 大妈): no surname."""


def is_han(word: str) -> bool:
    """Whether every character of a non-empty word is a Han character.

    >>> is_han("王芳"), is_han("王 芳"), is_han("")
    (True, False, False)
    """
    return bool(word) and all(HAN[0] <= ch <= HAN[-1] for ch in word)
