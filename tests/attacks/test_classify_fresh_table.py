"""A department the classifier was never written for delivers a table: headers opaque (c01)
or pinyin initials of its own (hyzk, zjxy, jzdz), values in its own words. Health, religion
and ethnic group are sensitive personal information (PIPL art. 28) and residence and marital
status are quasi-identifiers: none of them may come out non-personal. An 18-digit order number
that fails the ID check and a 19-digit serial that fails Luhn identify no one: neither may come
out a direct identifier, while the real ID numbers and mobiles beside them still do.

The table and its check digits are the attacker's own; the classification is read from the
real `sluice classify --json`, run as a user runs it."""

from __future__ import annotations

import json
import os
import random

import polars as pl
import pytest

from tests.attacks.check_digits import id_digit, luhn
from tests.e2e.conftest import Workspace

ROWS = 300
DISEASES = (
    "糖尿病肾病", "慢性浅表性胃炎", "脑出血后遗症", "乳腺癌", "类风湿关节炎", "焦虑症", "痛风",
    "支气管扩张", "乙型肝炎", "哮喘", "阵发性房颤", "颈椎病", "尿毒症", "老年性痴呆",
)  # fmt: skip
RELIGIONS = ("佛教", "基督教", "伊斯兰教", "天主教", "道教")
ETHNIC = ("汉族", "回族", "蒙古族", "苗族", "壮族", "满族", "土家族", "布依族", "哈萨克族")
DISTRICTS = (
    "东城区", "浦东新区", "天河区", "武侯区", "鼓楼区", "南山区", "雁塔区", "江宁区", "历下区",
    "思明区", "岳麓区", "二七区",
)  # fmt: skip
MARITAL = ("已婚", "未婚", "离异", "丧偶")
AREAS = ("110101", "310115", "440106", "510107", "320106", "610113")


def _born(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2006)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _resident_id(rng: random.Random) -> str:
    body = f"{rng.choice(AREAS)}{_born(rng)}{rng.randint(0, 999):03d}"
    return body + id_digit(body)


def _order_number(rng: random.Random) -> str:
    """Region, date and a sequence: an ID's shape, its last character never the check."""
    day = f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{rng.choice(AREAS)}{day}{rng.randint(0, 999):03d}"
    wrong = [c for c in "0123456789" if c != id_digit(body)]
    return body + rng.choice(wrong)


def _serial(rng: random.Random) -> str:
    """A 19-digit device serial that starts like a UnionPay card and fails Luhn."""
    body = f"62{rng.randint(0, 10**16 - 1):016d}"
    return body + str((int(luhn(body)) + rng.randint(1, 9)) % 10)


def _mobile(rng: random.Random) -> str:
    n = f"1{rng.choice('3578')}{rng.randint(0, 10**9 - 1):09d}"
    return rng.choice((n, f"+86-{n[:3]}-{n[3:7]}-{n[7:]}"))


def _some(rng: random.Random, words: tuple[str, ...], blank: float = 0.2) -> str:
    return "无" if rng.random() < blank else rng.choice(words)


def _table() -> pl.DataFrame:
    rng = random.Random(20)
    rows = [
        {
            "c01": _resident_id(rng),
            "hyzk": _some(rng, MARITAL, 0.0),
            "zjxy": _some(rng, RELIGIONS, 0.6),
            "jzdz": rng.choice(DISTRICTS),
            "c05": _some(rng, DISEASES),
            "c06": rng.choice(ETHNIC),
            "c07": _order_number(rng),
            "c08": _serial(rng),
            "c09": str(rng.randint(1, 40)),
            "c10": _mobile(rng),
        }
        for _ in range(ROWS)
    ]
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def categories(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fresh_table")
    path = folder / "delivery.csv"
    path.write_bytes(_table().write_csv().encode("gbk"))
    env = {**os.environ, "SLUICE_HOME": str(folder / "domain"), "SLUICE_TODAY": "2026-07-01"}
    run = Workspace(folder, env).sluice("classify", str(path), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    return {c["name"]: c["category"] for c in json.loads(run.stdout)["columns"]}


def test_the_traps_are_built_as_traps():
    frame = _table()
    assert all(id_digit(v[:17]) != v[17] for v in frame["c07"])
    assert all(luhn(v[:18]) != v[18] for v in frame["c08"])
    assert all(id_digit(v[:17]) == v[17] for v in frame["c01"])


@pytest.mark.parametrize("column", ["c05", "zjxy", "c06", "jzdz", "hyzk"])
def test_sensitive_and_quasi_columns_are_never_non_personal(categories, column):
    assert categories[column] != "non_personal", categories


@pytest.mark.parametrize("column", ["c05", "zjxy"])
def test_health_and_religion_are_sensitive(categories, column):
    assert categories[column] == "sensitive_attribute", categories


@pytest.mark.parametrize("column", ["c07", "c08"])
def test_look_alikes_are_not_direct_identifiers(categories, column):
    assert categories[column] != "direct_identifier", categories


@pytest.mark.parametrize("column", ["c01", "c10"])
def test_real_identifiers_still_are(categories, column):
    assert categories[column] == "direct_identifier", categories
