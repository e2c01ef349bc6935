"""The gate's check of redacted free text (role `text`): the released column is read again,
as it is and with numbers read out in Chinese numerals as digits and dots as spaces, by the
detectors, for every entity the policy does not keep (numbers with their checksums, codes,
plates, e-mail, addresses), and with a rule of its own for names: a role word (来电人,
联系人, 申请人, ...) followed by a name-like span, a surname and a given name that jieba does
not read as a time, a number or a function word. Either finding refuses the release, naming
the column, the entity and how many texts, never a text."""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from transforms.detectors.jieba_words import tagged_words
from transforms.detectors.registry import ALL_DETECTORS
from transforms.detectors.scan import scan_frame
from transforms.detectors.surnames import SURNAME_PATTERN, surname_of
from transforms.gate_check import Check, Origin
from transforms.redact.digits import spoken_digits

ROLES = (
    "来电人", "联系人", "申请人", "投诉人", "反映人", "当事人", "举报人", "报案人", "求助人",
    "经办人", "代理人", "委托人", "户主", "业主", "姓名",
)  # fmt: skip
_ROLE = rf"(?:{'|'.join(ROLES)})[:：\s]*(?:是|为|叫)?[:：\s]*"
_CANDIDATE = re.compile(rf"{_ROLE}(?P<name>{SURNAME_PATTERN}\s?[一-鿿]{{1,3}})")
"""A role word, then a known surname and up to three Han characters: a candidate to read."""
_NOT_A_NAME = ("t", "m", "q", "p", "d", "c", "u", "r", "f", "v")


def name_after_role(text: str) -> bool:
    """Whether a role word in `text` is followed by a person's name: a surname whose next
    word, of one or two characters, jieba does not read as a time, number, verb or function
    word.

    >>> name_after_role("来电人王芳反映"), name_after_role("来电人<姓名>反映")
    (True, False)
    >>> name_after_role("申请人于昨日来电"), name_after_role("联系人 张 伟")
    (False, True)
    """
    for m in _CANDIDATE.finditer(text):
        name = re.sub(r"\s", "", m.group("name"))
        given = tagged_words(name[len(surname_of(name) or name[0]) :])
        if given and len(given[0][0]) <= 2 and not given[0][1].startswith(_NOT_A_NAME):
            return True  # not 向 + 派出所
    return False


def redacted_text(frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> Check:
    """No identifier the policy does not keep, and no name after a role word, in any text."""
    columns = [n for n in frame.columns if (o := lineage.get(n)) and o.role == "text"]
    problems, texts = [], 0
    for name in columns:
        kept = set(lineage[name].kept)
        entities = [e for e in ALL_DETECTORS if e not in kept]
        values = frame[name].cast(pl.String)
        text = pl.col(name).cast(pl.String)
        readable = spoken_digits(text).str.replace_all("[.·]", " ").alias("readable")
        found = scan_frame(frame.select(text, readable), entities=entities, extra=True)
        texts += values.drop_nulls().len()
        counts = found.group_by("entity").agg(n=pl.col("row").n_unique()).sort("entity")
        for entity, n in counts.rows():
            problems.append(f"column '{name}' still holds {entity} in {n} texts")
        named = sum(name_after_role(t) for t in values.drop_nulls() if t)
        if named:
            problems.append(f"column '{name}' has a name after a role word in {named} texts")
    figures = {"columns": columns, "texts_scanned": texts, "findings": len(problems)}
    detail = "; ".join(problems)
    if problems:
        detail += ": redact the column again (its policy's `redact` treatment), or drop it"
    return Check("redacted_text", not problems, figures, detail)
