"""Names the redactor's first rules missed, written as an attacker would plant them: a Chinese
name among English words (a ticket typed in English, an operator's English note), and given
names with 一, which jieba reads as a number (陈一一, 王一峰) or glues to the word after it
(钱一说). Beside them, words with 一 that are no name (周一, 统一, 一楼, 一次性). Scored by
the attacker's own alignment of the published text with the original
(test_redaction_fresh_templates)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.attacks.test_redaction_fresh_templates import Draw, Plant, score
from transforms.redact.redact import redact

ONE = ["一", "一一", "晓一", "子一", "嘉一", "明一", "一峰", "一平", "一凡", "一帆", "一鸣"]
STREETS = ["Moganshan Road", "Wensan Road", "the Yan'an Road bridge", "Huancheng North Road"]


class Names(Draw):
    def with_one(self) -> str:
        return self.surname() + self.rng.choice(ONE)


def note(d: Names) -> Plant:
    p = Plant()("Ticket opened after a call from ")(d.name(), "PERSON")
    return p(" about the street lights on ")(d.rng.choice(STREETS))(".")


def spoke(d: Names) -> Plant:
    p = Plant()("Spoke with Mr ")(d.surname(), "PERSON")(" and his neighbour ")
    return p(d.name(), "PERSON")("; both want the night works stopped.")


def form(d: Names) -> Plant:
    p = Plant()("Resident: ")(d.name(), "PERSON")(", issue: parking, follow-up by ")
    return p(d.name(), "PERSON")(" of the district office")


def callback(d: Names) -> Plant:
    p = Plant()("Please ask ")(d.with_one(), "PERSON")(" to call back at ")
    return p(d.mobile(), "CN_MOBILE")(" before Friday.")


def resident(d: Names) -> Plant:
    p = Plant()(d.rng.choice(["居民", "投诉人", "来电人", "业主"]))(d.with_one(), "PERSON")
    return p(d.rng.choice(["反映楼上漏水", "说物业不作为", "称周一来电未果", "表示一楼积水"]))


def subject(d: Names) -> Plant:
    p = Plant()(d.with_one(), "PERSON")(d.rng.choice(["来电称", "反映", "投诉"]))
    return p("小区统一停水，一次性通知不到位。")


def contact(d: Names) -> Plant:
    p = Plant()("联系人：")(d.with_one(), "PERSON")("，电话")(d.mobile(), "CN_MOBILE")
    return p("，已与")(d.with_one(), "PERSON")("沟通，第一次回访满意。")


STYLES = (note, spoke, form, callback, resident, subject, contact)


@pytest.fixture(scope="module")
def figures() -> tuple[dict[str, float], float]:
    d = Names(11)
    plants = [STYLES[i % len(STYLES)](d) for i in range(280)]
    texts = pl.Series([p.text() for p in plants])
    published = pl.select(redact(pl.lit(texts))).to_series().to_list()
    return score(plants, published)


def test_names_among_latin_words_and_with_one_are_caught(figures):
    recall, _ = figures
    assert recall["PERSON"] >= 0.95 and recall["CN_MOBILE"] >= 0.99, recall


def test_words_with_one_that_name_no_one_stay(figures):
    _, precision = figures
    assert precision >= 0.95, precision
