"""Person names (and, through addresses.py, street addresses) in free text: rules over
jieba's words, one text at a time.

Names, beyond jieba's own person tags (detectors/person_name.py):
- a surname, or a full name, before an honorific (王女士, 李 先生, 王芳女士, 刘师傅);
- whatever name-like span follows a role word (来电人, 联系人, 申请人, 投诉人, 家长, 本人,
  ...): a surname-led word, a rare surname jieba leaves as one character plus a given name,
  a name written with a space (张 伟), or a two or three character word jieba does not know;
- a name opening a clause before a reporting verb (江建东投诉), a surname told alone
  (我姓黄), a name that is a whole item of a list or form, the person a call was with
  (与X沟通) (listed.py), a surname, a space and a given name anywhere;
- a name among Latin words (latin.py); a given name of 一 that jieba reads as a numeral.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transforms.detectors.jieba_words import dictionary_flag, tagged_words
from transforms.detectors.person_name import names_in_words
from transforms.detectors.places import split_words
from transforms.detectors.surnames import SURNAME_PATTERN, surname_of
from transforms.redact.addresses import addresses
from transforms.redact.chars import FUNCTION, HAN, NOT_SURNAME, is_han
from transforms.redact.latin import latin_names
from transforms.redact.listed import listed_names
from transforms.redact.words import common, given_one, rare

ROLE_WORDS = split_words(
    "来电人 联系人 申请人 投诉人 反映人 当事人 举报人 报案人 求助人 被投诉人 经办人 代理人 "
    "诉求人 委托人 监护人 承租人 出租人 负责人 责任人 户主 业主 房东 租户 租客 家属 患者 病人 "
    "驾驶员 司机 乘客 失主 老人 邻居 同事 朋友 丈夫 妻子 儿子 女儿 孩子 学生 员工 工作人员 "
    "姓名 市民 居民 家长 投诉方 举报方 申请方 来电者 反映者 投诉者 举报者 申请者 来访者 "
    "办理人 经手人 来信人 来访人 本人 自称 名叫 我是 我叫 父亲 母亲 爸爸 妈妈 哥哥 姐姐 弟弟 "
    "妹妹 爷爷 奶奶 快递员 外卖员 保安 保洁员 店主 网友"
)
"""Words after which a name-like span is read as a name (longest first in the regex)."""
HONORIFICS = split_words(
    "先生 女士 小姐 老师 师傅 阿姨 大爷 大妈 大姐 大哥 同志 经理 主任 老板 医生 律师 书记 "
    "奶奶 爷爷 叔叔 警官 老人 总 科长 处长 局长 所长 站长 院长 校长 厂长 队长 组长 部长 "
    "主管 村长 镇长 教授 护士 总监"
)
_ROLE = re.compile(
    "(?:" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + r")(?:[:：\s]|是|为|叫)*"
)
_HONORIFIC = re.compile(r"\s?(?:" + "|".join(HONORIFICS) + ")")
_WEAK = ("v", "d", "p", "c", "u", "y", "r", "m", "q", "f", "x", "t", "s", "eng")
_SURNAME_AND_HAN = re.compile(rf"({SURNAME_PATTERN})\s?([{HAN}]{{1,3}})")
_NOT_GIVEN_TO_GATE = ("t", "m", "q", "p", "d", "c", "u", "r", "f", "v")
_NOT_GIVEN_AFTER_ROLE = ("t", "m", "q", "p", "r", "f")
_NOT_GIVEN = ("t", "m", "q", "p", "d", "c", "u", "r", "f")
_SPACED = re.compile(rf"({SURNAME_PATTERN}|(?<![{HAN}])[{HAN}]) (?=[{HAN}])")
_SURNAME_TOLD = re.compile(rf"姓(?!名)({SURNAME_PATTERN}|[{HAN}])(?=[^{HAN}]|[嘛呢啊吧呀哈的]|$)")
_SUBJECT = re.compile(
    rf"(?:^|(?<=[，。；：,;:\s（(]))((?:{SURNAME_PATTERN}\s?[{HAN}]{{1,2}})|[{HAN}]\s?[{HAN}]{{1,2}})"
    "(?=投诉|反映|称|来电|表示|举报|咨询|求助|表扬|要求|询问|致电|说|于[0-9]|（|\\()"
)
Span = tuple[int, int, str]


def _name_after(text: str, at: int) -> int | None:
    """End of the name-like span starting at `at` (after a role word), or None."""
    words = [(w, f) for w, f, _ in tagged_words(text[at : at + 8])]
    if not words or not is_han(words[0][0]):
        return None
    if words[0][0][0] in FUNCTION:  # 向, 于, 和 are surnames too: 来电人向明
        return _surname_then_given(text, at)
    first, flag = words[0]
    rest = [(w, f) for w, f in words[1:3] if w != " "]
    spaced = len(words) > 1 and words[1][0] == " "
    compound = len(first) == 2 and surname_of(first) == first and not spaced
    if compound and (closed := _closed_name(text, at + 2)) is not None:  # 令狐 + 一 + 鸣 + ，
        return closed
    if compound and rest:  # 欧阳 + 婷
        given, gflag = rest[0]
        plain = is_han(given) and not any(c in FUNCTION for c in given)
        if plain and len(given) <= 2 and not gflag.startswith(_NOT_GIVEN_TO_GATE):
            return at + 2 + len(given)
    if 2 <= len(first) <= 3 and (surname_of(first) or flag.startswith("nr") or rare(first)):
        return _last_given(text, at + len(first)) if len(first) == 2 else at + len(first)
    closed = _closed_name(text, at + 1 + int(spaced))
    if len(first) == 1 and closed is not None:  # 诉求人：笪刚红； a name the clause closes
        return closed
    if len(first) == 1 and rest and is_han(rest[0][0]) and len(rest[0][0]) <= 2:
        given, gflag = rest[0]
        if surname_of(first) and not spaced and (one := given_one(given)):
            return at + 1 + one  # 居民陈一一; 业主钱一说: the name is 钱一
        if gflag.startswith(_NOT_GIVEN_AFTER_ROLE) and not spaced:  # 申请人于昨日
            return None
        if surname_of(first) or spaced or not gflag.startswith(_WEAK):
            end = at + 1 + int(spaced) + len(given)
            third = rest[1][0] if len(rest) > 1 else ""
            one = third[:1] == "一" and given_one(third) == 1  # 笪 + 明 + 一说
            plain = len(third) == 1 and is_han(third) and third not in FUNCTION
            if len(given) == 1 and (plain or one):
                end += 1
            return end
    return None


def _last_given(text: str, end: int) -> int:
    """End of a two-character name with the one given character jieba left after it, when a
    clause mark or a function character closes that character (王晓 + 嘉 + （, 欧阳 + 宏 + 称)."""
    ch, after = text[end : end + 1], text[end + 1 : end + 2]
    closed = not after or after in "，。；：,;:、（）() ｜|" or after in FUNCTION
    closed = closed or (ch == "一" and not common(ch + after))  # 唐明 + 一 + 反映; not 一直
    given = is_han(ch) and ch not in FUNCTION and ch not in NOT_SURNAME
    return end + 1 if given and closed else end


def _surname_then_given(text: str, at: int) -> int | None:
    """End of a listed surname and the word after it when jieba does not read that word as
    a time, number, verb or function word (来电人向明; not 申请人于昨日, 投诉人向其)."""
    m = _SURNAME_AND_HAN.match(text, at)
    if m is None:
        return None
    given = tagged_words(m.group(2))
    if not given or len(given[0][0]) > 2 or given[0][1].startswith(_NOT_GIVEN_TO_GATE):
        return None  # 向 + 派出所: a place
    return m.start(2) + len(given[0][0])


def _closed_name(text: str, at: int) -> int | None:
    """End of a one- or two-character given name at `at` that punctuation (or the text's
    end) closes, or None."""
    for n in (2, 1):
        given = text[at : at + n]
        plain = len(given) == n and is_han(given) and not any(c in FUNCTION for c in given)
        if plain and (at + n == len(text) or text[at + n] in "，。；：,;:、）) ｜|"):
            return at + n
    return None


def _role_names(text: str) -> list[Span]:
    out = []
    for m in _ROLE.finditer(text):
        end = _name_after(text, m.end())
        if end is not None:
            out.append((m.end(), end, "PERSON"))
    return out


def _spaced_names(text: str) -> list[Span]:
    """A surname, a space, a given name (郭 红, 靳 斌志): Chinese text puts no space between
    two Han characters but in a name; the given name ends where jieba's word or the clause
    does."""
    out = []
    for m in _SPACED.finditer(text):
        at = m.end()
        end = _closed_name(text, at)
        if end is None:
            given = tagged_words(text[at : at + 6])[0][0]
            end = at + len(given) if len(given) <= 2 and is_han(given) else None
        if end is not None:
            out.append((m.start(1), end, "PERSON"))
    return out


def _surname_given(text: str) -> list[Span]:
    """A surname told on its own: 我姓黄, 免贵姓欧阳."""
    return [(m.start(1), m.end(1), "PERSON") for m in _SURNAME_TOLD.finditer(text)]


def _honorific_names(text: str, words: Sequence[tuple[str, str, int]]) -> list[Span]:
    """A surname or full name just before an honorific (jieba glues 王女士 into one word),
    unless a word ends inside the honorific (外科 + 长期, 派出所 + 长时间: no title)."""
    out = []
    for m in _HONORIFIC.finditer(text):
        split = any(s < m.start() < s + len(w) < m.end() for w, _, s in words)
        start = None if split else _name_before(text, m.start())
        if start is not None:
            out.append((start, m.start(), "PERSON"))
    return out


def _name_before(text: str, end: int) -> int | None:
    """Start of the name ending at `end`: the words before it, back to a surname, at most
    four characters, never over a function character, a role word or a common word (失主,
    市民); a name with no listed surname counts when no dictionary knows it (禤涵)."""
    words = [w for w, _, _ in tagged_words(text[max(0, end - 8) : end])]
    last = words[-1] if words else ""
    plain = is_han(last) and not any(c in FUNCTION for c in last)
    if plain and surname_of(last) and len(last) <= 3:  # 朱红 + 先生, however common the word
        return end - len(last)
    pair = len(words) > 1 and surname_of(words[-2]) == words[-2]
    if pair and plain and len(last) <= 2:  # 梁 + 欣然 + 先生
        return end - len(last) - len(words[-2])
    start = end
    for word in reversed(words):
        if not is_han(word) or any(c in FUNCTION for c in word) or end - start + len(word) > 4:
            break
        if surname_of(word) == word:
            return end - len(word) if start == end else start - len(word)
        if word in ROLE_WORDS or (len(word) > 1 and common(word)):
            break
        start -= len(word)
    name = text[start:end]
    alone = len(name) == 1 and name not in NOT_SURNAME  # 笪先生: a surname no list holds
    return start if name and (surname_of(name) or alone or rare(name)) else None


def _subject_names(text: str) -> list[Span]:
    """A surname-led span opening a clause before a reporting verb (江建东投诉..., 王芳称...),
    unless jieba's dictionary knows it as another word (居民反映), or two or three
    characters no dictionary knows (a rare surname)."""
    out = []
    for m in _SUBJECT.finditer(text):
        word = re.sub(r"\s", "", m.group(1))
        flag = dictionary_flag(word)
        known = surname_of(word) and (flag is None or flag.startswith("nr"))
        unknown = word[0] not in FUNCTION and rare(word) and not any(c in FUNCTION for c in word)
        if known or unknown:  # 禤国维投诉: a surname no list holds, a name no dictionary knows
            out.append((m.start(1), m.end(1), "PERSON"))
    return out


def _without_honorific(text: str, span: Span) -> Span:
    """A name jieba read with its honorific (王女士) without it: the honorific stays."""
    start, end, entity = span
    m = _HONORIFIC.search(text, start, end)
    if entity == "PERSON" and m is not None and m.end() == end and m.start() > start:
        return start, m.start(), entity
    return span


def _plausible(text: str, span: Span) -> bool:
    """Not a role word (jieba tags 申请人 as a name)."""
    start, end, entity = span
    word = text[start:end]
    return entity != "PERSON" or word not in ROLE_WORDS


def _tagged_name(text: str, start: int, end: int) -> bool:
    """Whether a name jieba's tags alone found reads as one: not a common word, not a noun
    after 的 (的井盖), not a surname before a time or number word (于 + 昨日)."""
    word = text[start:end]
    given = word[len(surname_of(word) or word[0]) :]
    # 刚, 伟 alone are adverbs; 一一 is a numeral, and a given name
    flag = dictionary_flag(given) or "" if len(given) > 1 and given.strip("一") else ""
    closed = end == len(text) or text[end] in "，。；：,;:、）) ｜|"
    after_de = text[max(0, start - 1) : start] == "的" and not closed  # 的井盖丢了; 的周静，
    joined = word[0] in FUNCTION and len(word) == 2 and surname_of(word[1])  # 和 + 赵女士
    return not (common(word) or after_de or joined or flag.startswith(_NOT_GIVEN))


def _without_function_end(span: Span, text: str) -> Span:
    """A name ending in 一 that jieba glued to the function character after it (钱 + 一说):
    without that character."""
    start, end, entity = span
    word = text[start:end]
    if entity == "PERSON" and len(word) >= 3 and word[-2] == "一" and word[-1] in FUNCTION:
        return start, end - 1, entity
    return span


def _without_joiner(text: str, start: int, end: int) -> tuple[int, int]:
    """A name jieba glued to the conjunction before it (和 + 李二): without it."""
    word = text[start:end]
    if len(word) >= 3 and word[0] in FUNCTION and surname_of(word[1:]):
        return start + 1, end
    return start, end


def _resolve(text: str, spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longer first (an address holds the words of a road's name)."""
    kept: list[Span] = []
    spans = [_without_honorific(text, s) for s in spans if _plausible(text, s)]
    spans = [_without_function_end(s, text) for s in spans]
    for s in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(s[1] <= k[0] or k[1] <= s[0] for k in kept):
            kept.append(s)
    return sorted(kept)


def find_people(text: str) -> list[Span]:
    """(start, end, entity) of the names and addresses in a text without marks.

    >>> t = "来电人禤国维反映，王女士家住杭州市西湖区文三路478号3幢"
    >>> [t[s:e] for s, e, _ in find_people(t)]
    ['禤国维', '王', '杭州市西湖区文三路478号3幢']
    """
    words = tagged_words(text)
    tagged = [_without_joiner(text, s, e) for s, e in names_in_words(words)]
    names = [(s, e, "PERSON") for s, e in tagged if _tagged_name(text, s, e)]
    found = [*addresses(text, words), *_role_names(text), *_honorific_names(text, words)]
    found += [*_subject_names(text), *_surname_given(text), *listed_names(text)]
    found += [*_spaced_names(text), *latin_names(text), *names]
    return _resolve(text, found)
