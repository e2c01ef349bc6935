"""Street addresses in free text: a road and door number (建国路88号, 文三路478号3幢) or a
housing estate and building (幸福小区5栋2单元), extended to the left over the place words
before it (杭州市西湖区), never over a verb or the word that introduces it (家住, 位于); a
province or city a few characters before opens it (宁波市奉化区: jieba reads 奉化 as a verb).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transforms.detectors.places import CITIES, PROVINCES, alternation, split_words
from transforms.redact.chars import FUNCTION, HAN, is_han

_NUM = "[0-9一二三四五六七八九十百零〇]{1,5}"
_BUILDING = rf"(?:\s?{_NUM}(?:栋|幢|座|号楼|号院|单元|室|楼|层|号|户))*"
_ESTATE = rf"(?:(?![{''.join(FUNCTION)}])[{HAN}]){{1,8}}?{_NUM}(?:栋|幢|座|号楼|单元){_BUILDING}"
"""An estate named after a door number, down to its building (88号春江花城3号楼2单元)."""
_ANCHOR = re.compile(
    rf"(?:大道|大街|胡同|路|街|巷|弄|道){_NUM}(?:-{_NUM})?(?:号|弄){_BUILDING}(?:{_ESTATE})?"
    rf"|(?:小区|花园|家园|公寓|大厦|新村|社区|宿舍|广场|大楼|苑|村|里|区){_NUM}"
    rf"(?:栋|幢|座|号楼|单元){_BUILDING}"
)
_CITY_BEFORE = re.compile(f"{alternation(CITIES + PROVINCES)}[{HAN}]{{0,12}}$")
_PLACE_CHARS = frozenset("区县市镇乡村路街道巷弄")
_PLACE_FLAGS = ("ns", "n", "nz", "nt", "j", "l", "a", "b", "m", "zg", "eng", "x")
_LEADS = frozenset(split_words("家住 住在 地址 住址 位于 现住 居住 住 在 到 至 于 是 为 的"))
MAX_ADDRESS = 30
Span = tuple[int, int, str]


def _road_name(word: tuple[str, str, int]) -> bool:
    """The word before a road's 路 is its name whatever jieba tags it (建国 is a verb)."""
    return is_han(word[0]) and word[0] not in _LEADS and not word[1].startswith(("p", "r", "c"))


def addresses(text: str, words: Sequence[tuple[str, str, int]]) -> list[Span]:
    """(start, end, "ADDRESS") of each address in a text, given its jieba words.

    >>> from transforms.detectors.jieba_words import tagged_words
    >>> t = "我家住在朝阳区建国路88号3栋2单元501室，楼下施工"
    >>> [t[s:e] for s, e, _ in addresses(t, tagged_words(t))]
    ['朝阳区建国路88号3栋2单元501室']
    """
    out = []
    for m in _ANCHOR.finditer(text):
        i = next(j for j, (w, _, s) in enumerate(words) if s + len(w) > m.start())
        start = words[i][2]
        if m.start() - start <= 1 and i > 0 and _road_name(words[i - 1]):  # 建国 + 路, 解放 + 东路
            i -= 1
            start = words[i][2]
        while i > 0:
            word, flag, at = words[i - 1]
            fits = is_han(word) and flag.startswith(_PLACE_FLAGS) and word not in _LEADS
            fits = fits and (len(word) > 1 or word in _PLACE_CHARS)  # not 投诉 + 人
            fits = fits and not any(ch in FUNCTION for ch in word)  # not 国称
            if not fits or m.end() - at > MAX_ADDRESS:
                break
            i, start = i - 1, at
        out.append((_from_city(text, start), m.end(), "ADDRESS"))
    return out


def _from_city(text: str, start: int) -> int:
    """Where the address starts when a province or city opens it a few Han characters
    before the place words jieba joined (宁波市奉化区: jieba reads 奉化 as a verb)."""
    window = text[max(0, start - 16) : start]
    found = _CITY_BEFORE.search(window)
    if found is None or any(ch in FUNCTION for ch in found.group()):
        return start
    return start - len(window) + found.start()
