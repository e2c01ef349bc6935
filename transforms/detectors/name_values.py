"""Person names among the distinct values of one column (a dimension, a quasi-identifier):
the egress gate's question "does this column hold people's names?".

Each value is read by the PERSON detector (person_name: jieba's tags and the surname rules)
with rules a short label needs, having no context to tell a name from a place: a name found
must still be a whole name word (李家桥 is a village), not a place jieba knows with a suffix
(萧山 -> 萧山区, 乐清 -> 乐清市), not a very common word (高峰, 康复), not a people (毛南族),
and four characters need a compound surname (公共安全). A whole value of a compound surname
and a given name counts even when jieba splits it (上官 + 坤).

A single short label can still read as a name (景宁 is a county jieba does not know as one),
so the column, not the value, is judged: it holds names when they are in at least NAME_SHARE
of its distinct values (and MIN_NAMES of them), or in MANY_NAMES values whatever the share.
A column of names scores 0.8-1.0 on that share; ordinary labels (places, industries,
categories, periods) at most 0.2 (tests/transforms/test_dimension_values.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from transforms.detectors.jieba_words import dictionary_count
from transforms.detectors.person_name import find_names, is_name_word
from transforms.detectors.surnames import COMPOUND_SURNAMES, SURNAME_PATTERN

NAME_SHARE = 0.5
MIN_NAMES = 2
MANY_NAMES = 10
"""Names in this many distinct values make a column of names even among other values."""
MAX_VALUES = 5_000
"""Distinct values read per column (a seeded sample beyond): jieba reads ~2,000 a second."""
MAX_CHARS = 200
"""Characters read per value: a dimension value is a label, anything longer is text."""
PLACE_SUFFIXES = ("区", "县", "市", "镇", "乡", "街道")
COMMON_WORD = 1_000
"""A dictionary count from which a word is ordinary vocabulary, not a name."""
EVERYDAY_SURNAMES = frozenset({"东方", "第五", "西门", "百里"})
"""Compound surnames that are also everyday words (东方红, 第五届, 西门口, 百里香)."""
_DOT_FORMS = "•・‧∙･"
_DOTS = str.maketrans(dict.fromkeys(_DOT_FORMS, "·"))
_CANDIDATE = f"(?:{SURNAME_PATTERN})[\u4e00-\u9fff·{_DOT_FORMS}]"
"""What a value with a name holds: a surname, then a Han character or a middle dot."""
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class NameCount:
    """How many of a column's distinct values were read, and how many hold a person name."""

    checked: int
    names: int

    @property
    def holds_names(self) -> bool:
        """The column rule (module docstring)."""
        if self.names >= MANY_NAMES:
            return True
        return self.names >= MIN_NAMES and self.names >= NAME_SHARE * self.checked


def is_name(word: str) -> bool:
    """Whether a span the PERSON detector found is a name on its own, without context.

    >>> is_name("王芳"), is_name("萧山"), is_name("高峰"), is_name("公共安全"), is_name("欧阳娜娜")
    (True, False, False, False, True)
    """
    if not is_name_word(word) or dictionary_count(word) >= COMMON_WORD:
        return False
    if word.endswith("族") or (len(word) == 4 and word[:2] not in COMPOUND_SURNAMES):
        return False
    return not any(dictionary_count(word + s) for s in PLACE_SUFFIXES)


def label_text(value: str) -> str:
    """A value as the name rules read it: no spaces (王 芳), one kind of middle dot.

    >>> label_text(" 王　芳 "), label_text("买买提•艾力")
    ('王芳', '买买提·艾力')
    """
    return _SPACE.sub("", value).translate(_DOTS)[:MAX_CHARS]


def compound_name(text: str) -> bool:
    """A whole value of a compound surname and a one- or two-character given name, which
    jieba often splits and tags as anything (上官 n + 坤 ns); surnames that are everyday
    words (东方, 第五, 西门) do not count.

    >>> compound_name("上官坤"), compound_name("第五届"), compound_name("欧阳")
    (True, False, False)
    """
    surname = text[:2]
    return (
        surname in COMPOUND_SURNAMES
        and 3 <= len(text) <= 4
        and surname not in EVERYDAY_SURNAMES
        and is_name(text)
    )


def has_name(values: list[str]) -> list[bool]:
    """Per value, whether a person name is in it.

    >>> has_name(["王芳", "西湖区", "联系人李娜", "金融业", "周一", "司徒婷婷"])
    [True, False, True, False, False, True]
    """
    texts = [label_text(v) for v in values]
    found = find_names(texts)
    return [
        compound_name(t) or any(is_name(t[a:b]) for a, b in spans)
        for t, spans in zip(texts, found, strict=True)
    ]


def count_names(values: pl.Series) -> NameCount:
    """Distinct values of a column with Han characters, and those holding a person name.
    Only values with a surname followed by a Han character can hold one; when too few do to
    make a column of names, jieba is not run and none is counted.

    >>> count_names(pl.Series(["王芳", "李娜", "张伟", None, "王芳"]))
    NameCount(checked=3, names=3)
    >>> count_names(pl.Series(["咨询", "投诉", "男", "2025-Q1"]))
    NameCount(checked=3, names=0)
    """
    text = values.cast(pl.String).drop_nulls().unique()
    text = text.filter(text.str.contains("[\u4e00-\u9fff]"))
    if text.len() > MAX_VALUES:
        text = text.sort().sample(MAX_VALUES, seed=0)
    could = text.filter(text.str.replace_all(r"\s", "").str.contains(_CANDIDATE))
    if not NameCount(text.len(), could.len()).holds_names:
        return NameCount(text.len(), 0)
    return NameCount(text.len(), sum(has_name(could.to_list())))
