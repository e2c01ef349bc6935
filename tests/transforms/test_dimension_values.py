"""The gate's dimension scan: ordinary labels of Chinese public data pass, people's names and
identifiers in a describing column are refused, with a message that never shows a value."""

from __future__ import annotations

import random

import polars as pl
import pytest
from faker import Faker

from tests.transforms.ordinary_dimensions import (
    INDUSTRIES,
    ORDINARY,
    PEOPLE_CATEGORIES,
    PLACES,
    SERVICES,
    TIMES,
)
from transforms.detectors.name_values import count_names, has_name
from transforms.detectors.surnames import COMPOUND_SURNAMES
from transforms.egress import Origin
from transforms.egress.dimensions import dimension_values

COUNTIES = {  # the county-level divisions of Zhejiang's prefectures, without their suffix
    "杭州": "上城 拱墅 西湖 滨江 萧山 余杭 临平 钱塘 富阳 临安 桐庐 淳安 建德",
    "宁波": "海曙 江北 北仑 镇海 鄞州 奉化 象山 宁海 余姚 慈溪",
    "温州": "鹿城 龙湾 瓯海 洞头 永嘉 平阳 苍南 文成 泰顺 瑞安 乐清 龙港",
    "湖州": "吴兴 南浔 德清 长兴 安吉",
    "绍兴": "越城 柯桥 上虞 新昌 诸暨 嵊州",
    "金华": "婺城 金东 武义 浦江 磐安 兰溪 义乌 东阳 永康",
    "衢州": "柯城 衢江 常山 开化 龙游 江山",
    "舟山": "定海 普陀 岱山 嵊泗",
    "台州": "椒江 黄岩 路桥 三门 天台 仙居 温岭 临海 玉环",
    "丽水": "莲都 青田 缙云 遂昌 松阳 云和 庆元 景宁 龙泉",
}
DEMO = {  # the describing columns the demo publishes today
    "city": ["330100", "330200", "330300", "330600"],
    "industry": list(INDUSTRIES[:20]),
    "status": ["注销", "迁出", "在业", "吊销", "存续"],
    "month": [f"2025-{m:02d}" for m in range(1, 13)],
    "category": ["咨询", "举报", "求助", "投诉", "建议", "表扬"],
    "sex": ["男", "女"],
    "age_band": ["<20", "20-29", "30-39", "40-49", "50-59", "60+", "80+"],
    "quarter": ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
    "hospital_level": ["一级", "二级", "三级"],
    "xzlx": ["生育保险", "职工基本医疗保险", "工伤保险", "企业职工基本养老保险", "失业保险"],
}


def gate(columns: dict[str, list[str]], role: str = "dimension") -> tuple[bool, str]:
    """The check on a table of these columns (padded with nulls, as totals are), each with
    `role`, beside a measure."""
    n = max(len(v) for v in columns.values())
    frame = pl.DataFrame(
        {c: v + [None] * (n - len(v)) for c, v in columns.items()},
        schema={c: pl.String for c in columns},
    ).with_columns(people=pl.lit(None, pl.Int64))
    lineage = {c: Origin(role, c, "quasi_identifier") for c in columns}
    check = dimension_values(frame, {**lineage, "people": Origin("measure")})
    return check.passed, check.detail


def faker_names(n: int, seed: int) -> list[str]:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return sorted({fake.name() for _ in range(n)})


@pytest.mark.parametrize(
    "values",
    [PLACES, INDUSTRIES, PEOPLE_CATEGORIES, SERVICES, TIMES, *map(str.split, COUNTIES.values())],
    ids=["places", "industries", "people", "services", "times", *COUNTIES],
)
def test_ordinary_labels_pass(values):
    assert gate({"label": list(values)}) == (True, "")


def test_the_demo_s_describing_columns_pass():
    assert gate(DEMO) == (True, "")


def test_few_ordinary_labels_read_as_a_name():
    """The value-level rate the column rule absorbs (measured: 8 of 759, mostly bare street
    and county names jieba tags as names)."""
    values = sorted(set(ORDINARY))
    assert sum(has_name(values)) / len(values) <= 0.015


@pytest.mark.parametrize("role", ["dimension", "quasi_identifier", "record"])
def test_a_column_of_names_is_refused_without_showing_one(role):
    names = faker_names(60, seed=1)
    passed, detail = gate({"sex": ["男", "女"], "holder": names}, role)
    assert not passed
    assert f"column 'holder' ({role}) holds PERSON in" in detail and "sex" not in detail
    assert not [n for n in names if n in detail]


def test_names_are_found_whatever_the_surname():
    given = faker_names(300, seed=2)
    rare = [
        random.Random(i).choice("訾乜厍逯钭隗郗璩蒯鄢佘冼覃揭谌仝粟宓郏邰阚") + g[1:]
        for i, g in enumerate(given)
    ]
    surnames = sorted(COMPOUND_SURNAMES) * 10
    compound = [s + g[1:] for s, g in zip(surnames[: len(given)], given, strict=True)]
    for names in (given, rare, compound):
        assert sum(has_name(names)) >= 0.9 * len(names)  # measured: 0.96-0.97
        assert count_names(pl.Series(names)).holds_names


def test_a_few_names_among_labels_are_refused():
    """Two holders' names in a column of categories, spaced out as someone might type them."""
    passed, detail = gate({"category": ["咨询", "投诉", "王 芳", "欧阳娜娜"]})
    assert not passed and "PERSON in 2 of the 4" in detail


def test_many_names_in_text_labels_are_refused():
    labels = [f"{name}经办" for name in faker_names(40, seed=3)] + list(SERVICES)
    assert not gate({"handled_by": labels})[0]


def test_identifiers_in_a_dimension_are_counted_not_shown():
    values = ["110101199003077571", "13812345678", "0571-87654321", "zhang@example.com", "男"]
    passed, detail = gate({"contact": values})
    assert not passed
    for entity in ("CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "EMAIL"):
        assert f"holds {entity} in 1 of the 5 distinct values read" in detail
    assert not [v for v in values[:4] if v in detail]


def test_measures_and_flags_are_not_read_as_labels():
    frame = pl.DataFrame({"title": ["王芳", "李娜", "张伟"], "claim": ["x", "y", "z"]})
    lineage = {"title": Origin("flag"), "claim": Origin("measure")}
    check = dimension_values(frame, lineage)
    assert check.passed and check.figures["columns"] == []
