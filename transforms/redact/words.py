"""What jieba's dictionary says of a word a name rule is looking at: a common word is no name
(养老, 谢谢), a word it does not know is most often one (a rare name), and a numeral it knows
hardly at all may be a given name (一峰)."""

from __future__ import annotations

from transforms.detectors.jieba_words import dictionary_count, dictionary_flag
from transforms.redact.chars import FUNCTION

COMMON = 500
"""Dictionary count above which a word jieba tags as a name is read as an ordinary word
(养老 651, 谢谢 1,089; 李娜 438, 王芳 0) unless a role word or an honorific says otherwise."""


def common(word: str) -> bool:
    """A word jieba's dictionary holds as something other than a name, or holds as a name
    but sees far too often to be one (its dictionary tags 养老 and 谢谢 nr).

    >>> common("杭州"), common("王芳")
    (True, False)
    """
    flag = dictionary_flag(word)
    return flag is not None and (not flag.startswith("nr") or dictionary_count(word) >= COMMON)


def rare(word: str) -> bool:
    """A word jieba's dictionary does not know (most rare names)."""
    return dictionary_count(word) == 0


RARE_ONE = 100
"""Dictionary count below which a word of 一 and one character is a given name jieba read
as a numeral (一峰 52, 一平 0), not a quantity (一楼 106, 一户 152, 一次 19,249)."""


def given_one(word: str) -> int:
    """Characters of a given name with 一 that jieba read as a numeral (一, 一一, 一峰) or
    glued to the function character after it (一 + 说, 一 + 和), or 0.

    >>> given_one("一一"), given_one("一峰"), given_one("一说"), given_one("一次")
    (2, 2, 1, 0)
    """
    if not word.strip("一"):
        return len(word)
    if len(word) != 2 or word[0] != "一":
        return 0
    return 1 if word[1] in FUNCTION else 2 if dictionary_count(word) < RARE_ONE else 0
