"""Chinese person names: jieba's person tags (nr, nrfg, nrt) filtered for precision.

jieba alone also tags place and organisation words as names (徐汇, 林街), so a word counts
only if it is 2-4 Han characters (a · allowed between parts), starts with a known surname and
does not end like a place or an organisation (nor is a province or city name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from transforms.detectors.jieba_words import tagged_words
from transforms.detectors.places import CITIES, PROVINCES, split_words
from transforms.detectors.surnames import SURNAME_PATTERN, surname_of

NAME_FLAGS = frozenset({"nr", "nrfg", "nrt"})
PLACE_ENDINGS = split_words(
    "区 市 县 路 街 镇 村 省 局 院 州 乡 道 巷 弄 厂 店 站 馆 所 园 桥 湾 港 场 楼 号 室 苑 府 "
    "处 科 队 部 厅 委 办 社 会 行 署 中心 公司 小区 社区 大厦 广场 学校 银行 医院 政府 集团"
)
TRIGGERS = frozenset(
    split_words(
        "姓名 联系人 市民 来电人 投诉人 举报人 反映人 申请人 当事人 家属 老人 乘客 患者 户主 "
        "业主 居民 租户 村民 学生 孩子 儿子 女儿 丈夫 妻子 先生 女士 工作人员 师傅 经理 老师"
    )
)
"""Words a name often follows; after one, jieba's tags for the next word are trusted less."""
_WEAK_NEXT = ("v", "d", "p", "c", "u", "y", "r", "m", "q", "f", "x", "t", "s")
_NOT_GIVEN = frozenset("家说讲等们的在和与及是将已也都又被把给对向从称")
CONTEXT = ("姓名", "联系人", "市民", "先生", "女士", "反映", "来电人", "来电", "投诉人", "家属")
CONTEXT += ("本人", "户主", "患者", "申请人", "name", "contact")
_HAN_NAME = re.compile(r"[一-鿿]{1,3}(?:·[一-鿿]{1,6})?|[一-鿿]{4}")
_PLACES = frozenset(CITIES + PROVINCES)
_WHOLE_NAME = rf"^(?:{SURNAME_PATTERN})[一-鿿]{{1,3}}$|^[一-鿿]{{1,6}}·[一-鿿]{{1,6}}$"


def is_name_word(word: str) -> bool:
    """Whether a word jieba tagged as a person name passes the precision rules.

    >>> is_name_word("王芳"), is_name_word("林街"), is_name_word("徐汇区"), is_name_word("芳")
    (True, False, False, False)
    """
    if not 2 <= len(word.replace("·", "")) <= 4 or not _HAN_NAME.fullmatch(word):
        return False
    surname = surname_of(word)
    if surname is None or len(word) == len(surname):
        return False
    return not word.endswith(tuple(PLACE_ENDINGS)) and word not in _PLACES


def _is_surname(word: str) -> bool:
    return surname_of(word) == word


def _third_char(item: tuple[str, str, int]) -> bool:
    word, flag, _ = item
    return (
        len(word) == 1
        and "一" <= word <= "鿿"
        and word not in _NOT_GIVEN
        and not flag.startswith(_WEAK_NEXT)
    )


def names_in_words(words: Sequence[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """(start, end) of the person names among tagged words.

    A word jieba tags as a name counts if it passes `is_name_word`. jieba often splits a
    rare name into surname + given name (周 + 海燕), or tags it as a place (建国 ns), so two
    more rules: a surname followed by a 1-2 character word is a name when either part is
    tagged as one (and the second is not a verb, adverb, particle...), and after a trigger
    word (市民, 联系人, 乘客...) a surname-led word or pair is a name whatever its tags.
    A two-character name followed by a lone character that is not a verb, particle or
    the like is read as a three-character name (何萍 + 娟).
    """
    out: list[tuple[int, int]] = []
    prev, i = "", 0
    while i < len(words):
        span, used = _name_at(words, i, prev in TRIGGERS)
        if span is not None:
            out.append(span)
        last = words[i + used - 1][0]
        if last.strip() and last not in "：:":
            prev = last
        i += used
    return out


def _name_at(
    words: Sequence[tuple[str, str, int]], i: int, after_trigger: bool
) -> tuple[tuple[int, int] | None, int]:
    """The name starting at word i, if any, and how many words it (or the miss) used."""
    word, flag, start = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else None
    if nxt is not None and _is_surname(word):
        given, gflag, _ = nxt
        tagged = gflag in NAME_FLAGS or (flag in NAME_FLAGS and not gflag.startswith(_WEAK_NEXT))
        if len(given) <= 2 and (tagged or after_trigger) and is_name_word(word + given):
            return (start, start + len(word) + len(given)), 2
    if (flag in NAME_FLAGS or after_trigger) and is_name_word(word):
        if len(word) == 2 and nxt is not None and _third_char(nxt):
            return (start, start + 3), 2
        return (start, start + len(word)), 1
    return None, 1


def find_names(texts: Sequence[str | None]) -> list[list[tuple[int, int]]]:
    """Character offsets of person names in each text (nothing for None or "").

    >>> find_names(["市民王芳来电反映噪音", None])
    [[(2, 4)], []]
    """
    return [names_in_words(tagged_words(t)) if t else [] for t in texts]


def name_value_share(series: pl.Series) -> float:
    """Share of non-null values that are a whole person name (known surname + 1-3 Han
    characters, or two parts joined by ·): the value evidence for a name column.

    >>> name_value_share(pl.Series(["张三", "欧阳娜娜", "杭州市", None]))
    0.6666666666666666
    """
    text = series.cast(pl.String, strict=False).drop_nulls().str.strip_chars()
    if len(text) == 0:
        return 0.0
    hit = text.str.contains(_WHOLE_NAME) & ~text.str.contains(f"(?:{'|'.join(PLACE_ENDINGS)})$")
    return float(hit.mean() or 0.0)
