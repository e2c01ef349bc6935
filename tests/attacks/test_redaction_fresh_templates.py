"""Redaction on ticket texts neither the sample nor the evaluation generator writes: chat
messages, formal letters, dictated notes, English mixed with Chinese, people named by surname
and title (王主任), addresses down to 号楼/单元/室, ID numbers split by spaces, mobiles with +86
and dashes. Every identifier is planted at a known place; the scorer here is the attacker's
own: it aligns the published text with the original and reads which characters were replaced.

A planted span is caught when every one of its characters (spaces and dashes aside) was
replaced; a replaced stretch is right when it touches a planted span. The figures asked of
the redactor: recall 0.99 for ID numbers, mobiles, bank cards and plates, 0.95 for names and
addresses, precision 0.95.
"""

from __future__ import annotations

import difflib
import random
import re
from collections import defaultdict

import polars as pl
import pytest

from tests.attacks.check_digits import id_digit, luhn
from transforms.redact.redact import redact

SURNAMES = [*"王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"]
RARE = [*"覃佘冼仉笪禤", "欧阳", "司马", "东方", "令狐"]
GIVEN = [*"晓一子嘉梓思雨俊宏建丽婷军华", "海峰", "秋菊", "永康", "玉珍", "志强"]
TITLES = ["主任", "科长", "经理", "老师", "书记", "医生"]
CITIES = ["杭州市拱墅区", "宁波市江北区", "绍兴市越城区", "湖州市吴兴区", "金华市婺城区"]
STREETS = ["莫干山路", "环城北路", "人民东路", "胜利西路", "解放东路", "中河中路"]
ESTATES = ["锦绣花园", "大关西苑", "和平新村", "东方名苑", "春江花城"]
PROVINCES = "浙苏沪皖赣闽"
LETTERS = "ABCDEFGHJKLMN"
AREAS = ["330105", "330205", "330602", "330502", "330702"]


class Plant:
    """One text under construction: literal pieces and planted (entity, value) pieces."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str | None]] = []

    def __call__(self, text: str, entity: str | None = None) -> Plant:
        self.parts.append((text, entity))
        return self

    def text(self) -> str:
        return "".join(t for t, _ in self.parts)

    def spans(self) -> list[tuple[int, int, str]]:
        out, at = [], 0
        for t, entity in self.parts:
            if entity:
                out.append((at, at + len(t), entity))
            at += len(t)
        return out


class Draw:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def surname(self) -> str:
        return self.rng.choice(RARE if self.rng.random() < 0.25 else SURNAMES)

    def name(self) -> str:
        given = self.rng.choice(GIVEN)
        if len(given) == 1 and self.rng.random() < 0.5:
            given += self.rng.choice([g for g in GIVEN if len(g) == 1])
        return self.surname() + given

    def resident_id(self, sep: str = "") -> str:
        r = self.rng
        born = f"{r.randrange(1950, 2005)}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}"
        body = f"{r.choice(AREAS)}{born}{r.randrange(1000):03d}"
        full = body + id_digit(body)
        return sep.join((full[:6], full[6:14], full[14:])) if sep else full

    def mobile(self) -> str:
        n = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
        return self.rng.choice(
            (n, f"+86 {n}", f"+86-{n[:3]}-{n[3:7]}-{n[7:]}", f"{n[:3]}-{n[3:7]}-{n[7:]}")
        )

    def card(self) -> str:
        body = "62" + "".join(str(self.rng.randrange(10)) for _ in range(16))
        n = body + luhn(body)
        return self.rng.choice((n, " ".join(n[i : i + 4] for i in range(0, 19, 4))))

    def plate(self) -> str:
        tail = "".join(self.rng.choice("0123456789" + LETTERS) for _ in range(5))
        return f"{self.rng.choice(PROVINCES)}{self.rng.choice(LETTERS)}{tail}"

    def address(self) -> str:
        r = self.rng
        door = f"{r.choice(STREETS)}{r.randrange(1, 400)}号{r.choice(ESTATES)}"
        floor, flat = r.randrange(1, 30), r.randrange(1, 5)
        room = f"{r.randrange(1, 30)}号楼{r.randrange(1, 6)}单元{floor}0{flat}室"
        return r.choice(CITIES) + door + room


def wechat(d: Draw) -> Plant:
    p = Plant()("[语音转文字] ")(d.surname(), "PERSON")(d.rng.choice(TITLES))
    p("您好～我这边是")(d.address(), "ADDRESS")("的业主，楼上天天半夜装修😡 ")
    return p("回我一下：")(d.mobile(), "CN_MOBILE")


def letter(d: Draw) -> Plant:
    p = Plant()("尊敬的市长：\n    本人")(d.name(), "PERSON")("（公民身份号码 ")
    p(d.resident_id(" "), "CN_RESIDENT_ID")("），系")(d.address(), "ADDRESS")
    return p("住户。小区物业长期不作为，特此致函，恳请督办。\n此致\n敬礼")


def dictated(d: Draw) -> Plant:
    p = Plant()("口述记录：反映人")(d.name(), "PERSON")("称其停在路边的小车")(d.plate(), "CN_PLATE")
    p("被无故贴条，要求复核，回电")(d.mobile(), "CN_MOBILE")("，另附身份证")
    return p(d.resident_id(), "CN_RESIDENT_ID")("。")


def mixed(d: Draw) -> Plant:
    p = Plant()("Caller said bank card ")(d.card(), "CN_BANK_CARD")(" was charged twice at the ")
    p("parking lot, 车牌 ")(d.plate(), "CN_PLATE")("; please call back ")(d.mobile(), "CN_MOBILE")
    return p(" (contact: ")(d.name(), "PERSON")(")")


def titles(d: Draw) -> Plant:
    p = Plant()("已请")(d.surname(), "PERSON")(d.rng.choice(TITLES))("和")
    p(d.surname(), "PERSON")(d.rng.choice(TITLES))("到现场协调，当事人")(d.name(), "PERSON")
    return p("表示认可，退款打到卡号")(d.card(), "CN_BANK_CARD")("即可。")


def lookalikes(d: Draw) -> Plant:
    """Numbers that identify no one: amounts, dates, bus lines, a ticket serial."""
    serial = f"GD{d.rng.randrange(10**8):08d}"
    p = Plant()(f"工单{serial}：市民反映{d.rng.randrange(2, 900)}路公交2026年3月")
    p(f"{d.rng.randrange(1, 28)}日晚点四十分钟，车费{d.rng.randrange(2, 9)}元，投诉人")
    return p(d.name(), "PERSON")("要求道歉。")


STYLES = (wechat, letter, dictated, mixed, titles, lookalikes)


def fresh_texts(n: int = 240, seed: int = 7) -> list[Plant]:
    d = Draw(seed)
    return [STYLES[i % len(STYLES)](d) for i in range(n)]


_TAG = re.compile(r"<[^<>\s]{1,10}>")
_FILLER = re.compile(r"[\s\-+]")


def replaced(original: str, published: str) -> list[tuple[int, int]]:
    """Character ranges of `original` that did not reach `published` (each tag one symbol)."""
    seen = _TAG.sub("\ue000", published)
    ops = difflib.SequenceMatcher(None, original, seen, autojunk=False).get_opcodes()
    return [(i1, i2) for op, i1, i2, _, _ in ops if op != "equal" and i2 > i1]


def score(plants: list[Plant], published: list[str]) -> tuple[dict[str, float], float]:
    """Recall per entity and precision over replaced stretches."""
    caught, planted = defaultdict(int), defaultdict(int)
    right = stretches = 0
    for plant, out in zip(plants, published, strict=True):
        text, spans = plant.text(), plant.spans()
        gone = replaced(text, out)
        hidden = {i for a, b in gone for i in range(a, b)}
        for a, b, entity in spans:
            planted[entity] += 1
            must = [i for i in range(a, b) if not _FILLER.match(text[i])]
            caught[entity] += all(i in hidden for i in must)
        for a, b in gone:
            if text[a:b].strip():
                stretches += 1
                right += any(a < e and s < b for s, e, _ in spans)
    return {e: caught[e] / planted[e] for e in planted}, right / max(stretches, 1)


@pytest.fixture(scope="module")
def figures() -> tuple[dict[str, float], float]:
    plants = fresh_texts()
    texts = pl.Series([p.text() for p in plants])
    published = pl.select(redact(pl.lit(texts))).to_series().to_list()
    return score(plants, published)


def test_the_scorer_sees_a_missed_span_and_a_wrong_one():
    plant = Plant()("请")("王芳", "PERSON")("回电")("138-1234-5678", "CN_MOBILE")
    recall, precision = score([plant], ["请王芳回电<手机号>"])
    assert recall == {"PERSON": 0.0, "CN_MOBILE": 1.0} and precision == 1.0
    recall, precision = score([plant], ["请<姓名>回电138-<手机号>"])
    assert recall == {"PERSON": 1.0, "CN_MOBILE": 0.0} and precision == 1.0
    recall, precision = score([plant], ["<x>王芳回电<手机号>"])
    assert recall == {"PERSON": 0.0, "CN_MOBILE": 1.0} and precision == 0.5


@pytest.mark.parametrize("entity", ["CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "CN_PLATE"])
def test_numbers_and_plates_are_caught_in_fresh_wording(figures, entity):
    recall, _ = figures
    assert recall[entity] >= 0.99, recall


@pytest.mark.parametrize("entity", ["PERSON", "ADDRESS"])
def test_names_and_addresses_are_caught_in_fresh_wording(figures, entity):
    recall, _ = figures
    assert recall[entity] >= 0.95, recall


def test_what_is_replaced_was_planted(figures):
    _, precision = figures
    assert precision >= 0.95, precision
