"""Value vocabularies: what a column holds when its header says nothing (opaque or unknown).
The words are data files shipped with the package (vocab/); this module only reads them and
turns each into a per-value polars test, so every column of a table is matched in one plan.

Values that answer no question (无, 其他, 不详, -) are neutral: they are left out of the share,
so a religion column where most people answered 无 is still a religion column."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import polars as pl

from transforms.detectors.places import alternation

VOCAB_ENTITIES: dict[str, str] = {
    "DIAGNOSIS": "diseases.txt",
    "RELIGION": "religions.txt",
    "MARITAL_STATUS": "marital_status.txt",
    "ETHNICITY": "ethnic_groups.txt",
    "POLITICAL_AFFILIATION": "political_affiliation.txt",
    "EDUCATION": "education.txt",
    "OCCUPATION": "occupations.txt",
    "INDUSTRY": "industries.txt",
}
"""Entity -> word list. Division names and codes come from divisions.tsv."""

NEUTRAL = (
    r"^(?:无|没有|其他|其它|未知|不详|不明|未填|未填写|暂无|空|[-—/?？.]+"
    r"|NA|N/A|n/a|null|NULL|None|none)$"
)
"""Answers that say nothing about the question asked; they count for no vocabulary."""

_DISEASE_ENDS = (
    "病|症|炎|癌|瘤|综合征|中毒|感染|出血|梗死|梗塞|衰竭|不全|障碍|畸形|增生|结节|囊肿|积液"
    "|脱位|损伤|骨折|结石|疼痛|痛|烧伤|烫伤|咬伤|挫伤|扭伤|麻痹|失常|硬化|溃疡|疱疹|疝|痔|瘘|贫血|残疾"
)
_DISEASE_BEFORE = "(?:急性|慢性|亚急性|原发性|继发性|复发性|先天性|陈旧性|多发性|左侧|右侧|双侧|左|右|双|轻度|中度|重度|疑似|可疑)"  # noqa: E501
_DISEASE_AFTER = (
    r"(?:[（(][^）)]{0,20}[）)]|待查|术后|复查|随访|可能|史|伴[\p{Han}]{1,12}"
    r"|[ⅠⅡⅢⅣ1-4一二三四]+[级期度型]|急性发作期?|急性加重期?|稳定期|缓解期|晚期|早期)"
)
_TERM = r"[\p{Han}A-Za-z0-9ⅠⅡⅢⅣ·]"
_COUNTY_ENDS = "(?:区|县|市|旗|自治县|自治旗|林区|特区)"
_OCCUPATION_ENDS = r"^[\p{Han}]{1,8}(?:员|师|工|人员|医生|护士|司机|经理|主任)$"
_SENTENCE = r"[，。；！？,;!?]"


def _read(name: str) -> list[str]:
    text = files("transforms.classify").joinpath("vocab", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def words(entity: str) -> tuple[str, ...]:
    """The words of one vocabulary, as shipped.

    >>> "2型糖尿病" in words("DIAGNOSIS"), "藏传佛教" in words("RELIGION")
    (True, True)
    """
    return tuple(w for line in _read(VOCAB_ENTITIES[entity]) for w in line.split())


@cache
def divisions() -> pl.DataFrame:
    """GB/T 2260 divisions: code (null where not listed), name, short name, level, parent.

    >>> d = divisions()
    >>> d.filter(pl.col("name") == "浦东新区")["code"].item()
    '310115'
    """
    rows = [line.split("\t") for line in _read("divisions.tsv")]
    frame = pl.DataFrame(rows[1:], schema=rows[0], orient="row")
    return frame.with_columns(pl.col(c).replace("", None) for c in ("code", "short", "parent"))


def _names(level: str) -> tuple[str, ...]:
    d = divisions().filter(pl.col("level") == level)
    return tuple(d["name"].to_list() + d["short"].drop_nulls().to_list())


@cache
def _division_pattern() -> str:
    """Province, then prefecture, then county, each optional but one present; a county not
    listed counts after a known province or prefecture (浙江省杭州市某某区)."""
    prov, pref = alternation(_names("province")), alternation(_names("prefecture"))
    county = alternation(_names("county"))
    after = f"(?:{county}|[\\p{{Han}}]{{1,8}}{_COUNTY_ENDS})"
    return f"^(?:{prov}{pref}?{after}?|{pref}{after}?|{county})$"


@cache
def _disease_pattern() -> str:
    known = alternation(words("DIAGNOSIS"))
    return f"^{_DISEASE_BEFORE}*(?:{known}|{_TERM}{{1,20}}(?:{_DISEASE_ENDS})){_DISEASE_AFTER}*$"


MUNICIPAL = ("1101", "1201", "3101", "5001", "5002")
"""The four municipalities' district and county groups, which have no prefecture row."""


@cache
def _district_codes() -> tuple[list[str], list[str]]:
    """Listed codes, and the 4-digit heads a county code may start with: a listed
    prefecture, a municipality's group, or a province's directly governed units (xx90)."""
    d = divisions()
    prefectures = [c[:4] for c in d.filter(pl.col("level") == "prefecture")["code"].to_list()]
    provinces = [c[:2] for c in d.filter(pl.col("level") == "province")["code"].to_list()]
    heads = prefectures + list(MUNICIPAL) + [f"{p}90" for p in provinces]
    return d["code"].drop_nulls().to_list(), heads


def answer_expr(text: pl.Expr) -> pl.Expr:
    """A value as a vocabulary word: spaces removed, null where it is too long or has a
    sentence in it (free text is no vocabulary word). Computed once per value."""
    squeezed = text.str.slice(0, 40).str.strip_chars().str.replace_all(r"\s+", "")
    short = squeezed.str.len_chars().is_between(1, 30) & ~squeezed.str.contains(_SENTENCE)
    return pl.when(short).then(squeezed)


def vocabulary_exprs(answer: pl.Expr) -> dict[str, pl.Expr]:
    """Per value: is it in each vocabulary ("vocab:ENTITY"), plus "vocab:NEUTRAL" for the
    answers that say nothing. `answer` is `answer_expr` of the value; nulls give false.

    >>> s = pl.DataFrame({"t": ["高血压病2级", "东城区", "中共党员", "无", None]})
    >>> out = s.select(**vocabulary_exprs(answer_expr(pl.col("t"))))
    >>> out["vocab:DIAGNOSIS"].to_list(), out["vocab:CN_DISTRICT_NAME"].to_list()
    ([True, False, False, False, False], [False, True, False, False, False])
    >>> out["vocab:NEUTRAL"].to_list()
    [False, False, False, True, False]
    """
    exact = {e: answer.is_in(list(words(e))) for e in VOCAB_ENTITIES}
    exact["DIAGNOSIS"] = answer.str.contains(_disease_pattern())
    exact["OCCUPATION"] = exact["OCCUPATION"] | (
        answer.str.contains(_OCCUPATION_ENDS) & ~exact["POLITICAL_AFFILIATION"]
    )
    exact["CN_DISTRICT_NAME"] = answer.str.contains(_division_pattern())
    codes, heads = _district_codes()
    exact["CN_DISTRICT_CODE"] = answer.str.contains(r"^[0-9]{6}$") & (
        answer.is_in(codes) | answer.str.slice(0, 4).is_in(heads)
    )
    out = {f"vocab:{e}": hit.fill_null(False) for e, hit in exact.items()}
    out["vocab:NEUTRAL"] = answer.str.contains(NEUTRAL).fill_null(False)
    return out
