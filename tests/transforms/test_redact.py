"""Free-text redaction: every identifier form a ticket writes comes out as its tag or a keyed
pseudonym, what is not an identifier stays, and the gate reads the text again."""

from __future__ import annotations

import polars as pl
import pytest

from governance.policy.treatments import RedactEntity
from transforms.egress import EgressRefused, Origin, egress_gate
from transforms.redact.entities import TAGS
from transforms.redact.redact import redact

KEY = b"k" * 32


def redacted(*texts: str | None, **options) -> list[str | None]:
    return (
        pl.select(redact(pl.lit(pl.Series(texts, dtype=pl.String)), **options))
        .to_series()
        .to_list()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号110101199003077571", "身份证号<身份证号>"),
        ("身份证号11010119900307109x。", "身份证号<身份证号>。"),
        ("身份证 110101 19900307 7571", "身份证 <身份证号>"),
        ("手机１３８１２３４５６７８", "手机<手机号>"),
        ("电话138 1234 5678，", "电话<手机号>，"),
        ("电话138-1234-5678", "电话<手机号>"),
        ("电话+86 13812345678", "电话<手机号>"),
        ("卡号6222 0212 3456 7890 128", "卡号<银行卡号>"),
        ("座机0571-87654321", "座机<电话>"),
        ("车牌浙A·12345被挡", "车牌<车牌>被挡"),
        ("新能源车浙AD12345", "新能源车<车牌>"),
        ("邮箱zhang.wei88@163.com", "邮箱<邮箱>"),
        ("两个号码110101199003077571 13812345678", "两个号码<身份证号> <手机号>"),
        ("来电人王芳反映噪音", "来电人<姓名>反映噪音"),
        ("联系人：张 伟，电话", "联系人：<姓名>，电话"),
        ("投诉人禤国维表示", "投诉人<姓名>表示"),
        ("王女士来电", "<姓名>女士来电"),
        ("市民李 先生称", "市民<姓名> 先生称"),
        ("张老师和赵女士", "<姓名>老师和<姓名>女士"),
        ("刘师傅说", "<姓名>师傅说"),
        ("江建东投诉", "<姓名>投诉"),
        ("举报人向明，联系电话", "举报人<姓名>，联系电话"),  # 向 is a surname and a preposition
        ("家住杭州市西湖区文三路478号3幢2单元701室", "家住<地址>"),
        ("反映幸福小区5栋楼下噪音", "反映<地址>楼下噪音"),
    ],
)
def test_each_form_becomes_its_tag(text, expected):
    assert redacted(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caller 王小明 reported a broken light", "caller <姓名> reported a broken light"),
        ("The hotline got a call from 许一 today", "The hotline got a call from <姓名> today"),
        ("Name: 刘德华; issue: water leak", "Name: <姓名>; issue: water leak"),
        ("complaint by 欧阳娜娜, phone 13812345678", "complaint by <姓名>, phone <手机号>"),
        ("Mr 陈 and Ms. 黄晓明 reported", "Mr <姓名> and Ms. <姓名> reported"),
        ("from 杭州 to the 城管 office via 小程序", "from 杭州 to the 城管 office via 小程序"),
    ],
)  # fmt: skip
def test_a_chinese_name_among_latin_words(text, expected):
    assert redacted(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("居民陈一一反映噪音", "居民<姓名>反映噪音"),  # 一一: a numeral to jieba
        ("投诉人王一峰反映", "投诉人<姓名>反映"),  # 一峰 too
        ("业主钱一说楼上漏水", "业主<姓名>说楼上漏水"),  # 钱 + 一说: the 说 stays
        ("王一和李二都反映", "<姓名>和<姓名>都反映"),  # 王一 + 和李二: the 和 stays
        ("申请人于一月提交", "申请人于一月提交"),  # 于: a preposition before a month
        ("申请人王一次性缴清", "申请人王一次性缴清"),
        ("周一来电，统一办理，唯一的问题", "周一来电，统一办理，唯一的问题"),
    ],
)
def test_given_names_with_one(text, expected):
    assert redacted(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "订单号110101199003077572已发货",  # fails the ID checksum
        "流水号6222021234567890127",  # fails Luhn
        "2025-03-12上午10点来电",
        "申请人于昨日来电，来电人称其不愿透露姓名",
        "居民反映地铁3号线拥挤",
        "咨询医保异地就医备案需要准备哪些材料。",
    ],
)
def test_text_without_identifiers_is_unchanged(text):
    assert redacted(text) == [text]


def test_nulls_and_empty_texts_pass_through():
    assert redacted(None, "", "来电人王芳") == [None, "", "来电人<姓名>"]


def test_pseudonyms_are_consistent_across_rows_and_forms_and_keys_differ():
    out = redacted(
        "来电人王芳，电话13812345678",
        "王芳再次来电，手机138 1234 5678",
        actions={"PERSON": "pseudonym", "CN_MOBILE": "pseudonym"},
        key=KEY,
    )
    first = [p for p in out[0].split("<")[1:]]
    second = [p for p in out[1].split("<")[1:]]
    assert first[0].startswith("姓名_") and first[1].startswith("手机号_")
    assert first[0].split(">")[0] == second[0].split(">")[0]
    assert first[1].split(">")[0] == second[1].split(">")[0]
    other = redacted("来电人王芳", actions={"PERSON": "pseudonym"}, key=b"j" * 32)
    assert other[0] != out[0].split("，")[0]


def test_kept_entities_stay_and_others_are_tagged():
    out = redacted("车牌浙A12345，电话13812345678", actions={"CN_PLATE": "keep"})
    assert out == ["车牌浙A12345，电话<手机号>"]


def test_pseudonym_without_a_key_is_refused():
    with pytest.raises(ValueError, match="need a key"):
        redacted("来电人王芳", actions={"PERSON": "pseudonym"})


def test_policy_and_core_name_the_same_entities():
    assert set(RedactEntity.__args__) == set(TAGS)


TEXT = {"content": Origin("text", "content", "free_text")}


def test_gate_passes_redacted_text_and_counts_it():
    frame = pl.DataFrame({"content": redacted("来电人王芳，电话13812345678", "咨询公积金")})
    release = egress_gate(frame, lineage=TEXT)
    (check,) = [c for c in release.checks if c.name == "redacted_text"]
    assert check.passed and check.figures["texts_scanned"] == 2


def test_gate_refuses_an_identifier_that_survived():
    frame = pl.DataFrame({"content": ["车牌浙A12345", "电话<手机号>", "座机0571-87654321"]})
    with pytest.raises(EgressRefused) as info:
        egress_gate(frame, lineage=TEXT)
    detail = next(c.detail for c in info.value.checks if c.name == "redacted_text")
    assert "CN_PLATE in 1 texts" in detail and "CN_LANDLINE in 1 texts" in detail
    assert "浙A12345" not in detail


def test_gate_refuses_a_name_after_a_role_word():
    frame = pl.DataFrame({"content": ["投诉人<姓名>表示", "联系人王建华，电话<手机号>"]})
    with pytest.raises(EgressRefused) as info:
        egress_gate(frame, lineage=TEXT)
    detail = next(c.detail for c in info.value.checks if c.name == "redacted_text")
    assert "name after a role word in 1 texts" in detail and "王建华" not in detail


def test_gate_lets_a_kept_entity_leave():
    lineage = {"content": Origin("text", "content", "free_text", kept=("CN_PLATE",))}
    release = egress_gate(pl.DataFrame({"content": ["车牌浙A12345"]}), lineage=lineage)
    assert all(c.passed for c in release.checks)


def test_free_text_outside_the_text_role_is_still_refused():
    lineage = {"content": Origin("record", "content", "free_text")}
    with pytest.raises(EgressRefused, match="free_text"):
        egress_gate(pl.DataFrame({"content": ["咨询公积金"]}), lineage=lineage)
