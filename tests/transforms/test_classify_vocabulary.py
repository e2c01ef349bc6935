"""Value vocabularies: a column is recognised by its values when its header says nothing
(col_n, pinyin initials no hint knows), places and jobs count for people only in a table
about people, and sensitive values are never non-personal."""

from __future__ import annotations

import random
from importlib.resources import files

import polars as pl
import pytest

from tests.transforms.test_classify_values import blind, by_column, people
from transforms.classify.vocabulary import VOCAB_ENTITIES, divisions

ROWS = 300

COLUMNS = {
    "DIAGNOSIS": ["高血压", "2型糖尿病", "抑郁症", "慢性阻塞性肺疾病", "乳腺癌", "肺结核",
                  "左侧股骨颈骨折", "精神分裂症", "慢性乙型肝炎", "冠心病（稳定型）",
                  "急性阑尾炎术后", "帕金森病"],
    "RELIGION": ["佛教", "基督教", "伊斯兰教", "天主教", "道教", "无宗教信仰"],
    "MARITAL_STATUS": ["未婚", "已婚", "离婚", "丧偶", "再婚"],
    "ETHNICITY": ["汉族", "回族", "维吾尔族", "蒙古族", "壮族", "苗族", "朝鲜族", "满族"],
    "POLITICAL_AFFILIATION": ["中共党员", "共青团员", "群众", "民盟盟员", "九三学社社员"],
    "EDUCATION": ["小学", "初中", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"],
    "OCCUPATION": ["教师", "护士", "出租车司机", "软件工程师", "快递员", "农民", "会计", "电焊工"],
    "CN_DISTRICT_NAME": ["东城区", "浦东新区", "北京市海淀区", "浙江省杭州市西湖区", "成都市武侯区",
                         "广东省深圳市", "渝中区", "江苏省苏州市某某新区"],
}  # fmt: skip
SENSITIVE = {"DIAGNOSIS", "RELIGION", "MARITAL_STATUS"}


def _column(values: list[str], n: int = ROWS, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(values) for _ in range(n)]


@pytest.mark.parametrize("entity", list(COLUMNS))
def test_recognised_by_values_under_an_opaque_header(entity: str) -> None:
    ids, _ = people(ROWS)
    cols = by_column(blind(ids=ids, values=_column(COLUMNS[entity])))
    col = cols[1]
    assert col["entity"] == entity, col["evidence"]
    assert col["category"] != "non_personal"
    assert col["sensitive_pi"] == (entity in SENSITIVE)
    assert f"values are in the {entity} vocabulary" in " ".join(col["evidence"])


@pytest.mark.parametrize("header", ["jzd", "zdmc", "xl", "mz", "zjxy"])
def test_pinyin_headers_no_hint_knows(header: str) -> None:
    entity = {"jzd": "CN_DISTRICT_NAME", "zdmc": "DIAGNOSIS", "xl": "EDUCATION"}.get(header)
    entity = entity or {"mz": "ETHNICITY", "zjxy": "RELIGION"}[header]
    ids, _ = people(ROWS)
    frame = pl.DataFrame({"sfzh": ids, header: _column(COLUMNS[entity])})
    assert by_column(frame)[1]["entity"] == entity


def test_district_codes_known_by_their_prefecture() -> None:
    ids, _ = people(ROWS)
    codes = _column(["330106", "110105", "440305", "510107", "429004", "500235"])
    col = by_column(blind(ids=ids, codes=codes))[1]
    assert col["entity"] == "CN_DISTRICT_CODE" and col["category"] == "quasi_identifier"


def test_jobs_and_places_describe_no_one_in_a_list_of_vacancies() -> None:
    frame = blind(
        job=_column(COLUMNS["OCCUPATION"]),
        education=_column(COLUMNS["EDUCATION"], seed=1),
        place=_column(COLUMNS["CN_DISTRICT_NAME"], seed=2),
    )
    assert [c["category"] for c in by_column(frame)] == ["non_personal"] * 3


def test_a_trait_makes_a_table_about_people_without_identifiers() -> None:
    frame = blind(
        ethnicity=_column(COLUMNS["ETHNICITY"]), place=_column(COLUMNS["CN_DISTRICT_NAME"], seed=1)
    )
    assert [c["category"] for c in by_column(frame)] == ["quasi_identifier"] * 2


def test_answers_that_say_nothing_do_not_dilute_a_vocabulary() -> None:
    values = ["无"] * 8 + ["不详", "-"] + ["佛教", "基督教"]
    col = by_column(blind(religion=_column(values)))[0]
    assert col["entity"] == "RELIGION" and col["sensitive_pi"]


def test_stricter_side_when_some_values_are_diagnoses() -> None:
    values = ["正常", "良好", "已复诊", "未到", "电话随访", "高血压随访", "糖尿病复查"]
    col = by_column(blind(notes=_column(values)))[0]
    assert col["sensitive_pi"] and col["category"] != "non_personal"
    assert col["grade"] == "general-4"
    assert any(e.startswith("stricter side:") for e in col["evidence"])


def test_ordinary_categories_stay_non_personal() -> None:
    values = ["咨询", "投诉", "建议", "求助", "表扬", "举报"]
    col = by_column(blind(kind=_column(values)))[0]
    assert col["category"] == "non_personal" and not col["sensitive_pi"]


def test_vocabularies_ship_with_the_package() -> None:
    folder = files("transforms.classify").joinpath("vocab")
    names = {p.name for p in folder.iterdir()}
    assert set(VOCAB_ENTITIES.values()) | {"divisions.tsv"} <= names
    d = divisions()
    levels = d["level"].value_counts()
    count = dict(zip(levels["level"], levels["count"], strict=True))
    assert count["province"] == 34 and count["prefecture"] >= 330
    codes = d["code"].drop_nulls()
    assert codes.is_unique().all() and codes.str.contains(r"^[1-8][0-9]{5}$").all()
