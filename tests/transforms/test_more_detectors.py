"""Opt-in detectors (EXTRA_DETECTORS): examples, validate == valid_expr, and the scan paths."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.detectors import (
    ALL_DETECTORS,
    DETECTORS,
    EXTRA_DETECTORS,
    UnknownDetectorError,
    compact_expr,
    compact_text,
    get_detector,
    normalize_text,
    scan_frame,
)

GATE = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_BANK_CARD"]
CASES = {
    "CN_LANDLINE": (
        [
            "010-23456789",
            "0755 2345678",
            "021-62345678转123",
            "0571-88888888-801",
            "01023456789",
            "0755-2345678 ext 12",
            "(0571)86317742",
            "（010）2345 6789",
            "０１０－２３４５６７８９",
        ],
        [
            "001-23456789",
            "011-23456789",
            "010-12345678",
            "010-9345678",
            "0755-234567",
            "13812345678",
            "0755-234567890",
        ],
    ),
    "CN_PASSPORT": (
        ["E12345678", "g12345678", "EA1234567", "KJ1234567", "141234567", "Ｅ１２３４５６７８"],
        ["E1234567", "A12345678", "EG1234567", "131234567", "E123456789"],
    ),
    "CN_HK_MACAU_PERMIT": (
        ["C12345678", "CA1234567", "c01234567", "ＣＢ１２３４５６７"],
        ["CI1234567", "CO1234567", "C1234567", "D12345678"],
    ),
    "CN_HOME_RETURN_PERMIT": (
        ["H12345678", "M12345678", "H1234567890", "ｍ１２３４５６７８"],
        ["H123456789", "K12345678", "H1234567"],
    ),
    "CN_TAIWAN_PERMIT": (["12345678", "１２３４５６７８"], ["1234567", "123456789", "A2345678"]),
    "CN_PLATE": (
        [
            "京A12345",
            "粤BD12345",
            "沪A12345D",
            "京A·12345",
            "苏EA123挂",
            "使A12345",
            "京a1b2c3",
            "浙AFK1738",
        ],
        ["京I12345", "京A1234", "京A1234567", "台A12345", "京A12O45", "京AD1234X"],
    ),
    "EMAIL": (
        ["zhang.san@example.com", "a_b+c@mail.qq.com", "x@my-site.cn", "ＺＨＡＮＧ@ＱＱ.com"],
        ["zhang..san@example.com", "@example.com", "a@b", "a@b.c", "张三@example.com", ".a@b.com"],
    ),
    "IP_ADDRESS": (
        [
            "192.168.1.1",
            "0.0.0.0",
            "255.255.255.255",
            "fe80::1",
            "::",
            "2001:db8:0:0:0:0:2:1",
            "::ffff:1.2.3.4",
            "１０.０.０.１",
        ],
        [
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "2001:db8:::1",
            "1::2::3",
            "12:30:45",
            "1:2:3:4:5:6:7",
            "g::1",
        ],
    ),
    "CN_POSTCODE": (["100080", "010010", "860000", "１０００８０"], ["000000", "870000", "10008"]),
    "ADDRESS": (
        ["杭州市富阳区六安路310号", "浙江省宁波市鄞州区重庆路383号2幢1单元502室"],
        ["杭州市富阳区", "六安路310号", "市民反映噪音"],
    ),
}


def test_registry_extra_after_gate_and_opt_in() -> None:
    assert list(ALL_DETECTORS) == list(DETECTORS) + list(EXTRA_DETECTORS)
    assert list(DETECTORS) == ["CN_RESIDENT_ID", "CN_USCC", "CN_BANK_CARD", "CN_MOBILE"]
    assert set(CASES) == set(EXTRA_DETECTORS)
    for name, det in EXTRA_DETECTORS.items():
        assert name == det.ENTITY and get_detector(name, extra=True) is det
        assert 0 < det.SCORE <= 1 and det.LENGTHS
        assert any("\u4e00" <= ch <= "\u9fff" for word in det.CONTEXT for ch in word)
        assert any(word.isascii() for word in det.CONTEXT)
        with pytest.raises(UnknownDetectorError, match=name):
            get_detector(name)


@pytest.mark.parametrize("name", list(CASES))
def test_valid_and_invalid_examples(name: str) -> None:
    det, (good, bad) = EXTRA_DETECTORS[name], CASES[name]
    assert [det.validate(t) for t in good] == [None] * len(good), good
    assert [det.validate(t) for t in bad] == [False] * len(bad), bad


def _agree(texts: list[str]) -> None:
    compact = [compact_text(t) for t in texts]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String}).select(c=compact_expr(pl.col("t")))
    assert frame["c"].to_list() == compact
    for name, det in EXTRA_DETECTORS.items():
        got = frame.select(det.valid_expr(pl.col("c"))).to_series().to_list()
        for t, c, g in zip(texts, compact, got, strict=True):
            if name == "IP_ADDRESS" and "." in c and ":" in c:
                assert g is None or g is det.validate(t)  # documented: dotted IPv6 -> null
            else:  # landline: valid_expr judges the number without an extension
                expected = det._check(c) if name == "CN_LANDLINE" else det.validate(t)
                assert g is expected, (name, t)


def test_validate_equals_valid_expr_on_examples() -> None:
    _agree([t for good, bad in CASES.values() for t in good + bad] + ["", "0", "::1"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("0123456789ACDEFHMKxz京粤I:.@-_ ·挂１()", max_size=16), max_size=40))
def test_validate_equals_valid_expr_fuzz(texts: list[str]) -> None:
    _agree(texts)


def test_valid_expr_null_in_null_out() -> None:
    frame = pl.DataFrame({"t": [None]}, schema={"t": pl.String})
    for det in EXTRA_DETECTORS.values():
        assert frame.select(det.valid_expr(pl.col("t"))).item() is None


def _found(texts: list[str], **kwargs) -> list[tuple[int, str]]:
    found = scan_frame(pl.DataFrame({"t": texts}, schema={"t": pl.String}), extra=True, **kwargs)
    return list(zip(found["row"], found["entity"], strict=True))


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("请拨打010-23456789转123咨询", "CN_LANDLINE"),
        ("座机０７５５２３４５６７８联系", "CN_LANDLINE"),
        ("电话(0571)86317742分机12", "CN_LANDLINE"),
        ("新能源车浙AFK1738", "CN_PLATE"),
        ("持护照E12345678入境", "CN_PASSPORT"),
        ("护照号ｅａ１２３４５６７办理", "CN_PASSPORT"),
        ("港澳通行证CA1234567已过期", "CN_HK_MACAU_PERMIT"),
        ("回乡证M1234567890办理", "CN_HOME_RETURN_PERMIT"),
        ("台胞证号码：１２３４５６７８，请核对", "CN_TAIWAN_PERMIT"),
        ("车辆京A·12345违章", "CN_PLATE"),
        ("车牌粤BD12345挂停在路边", "CN_PLATE"),
        ("发邮件到zhang.san@example.com谢谢", "EMAIL"),
        ("服务器192.168.1.1无法访问", "IP_ADDRESS"),
        ("地址是fe80::1了", "IP_ADDRESS"),
        ("邮编100080北京", "CN_POSTCODE"),
        ("邮政编码：５１８０００", "CN_POSTCODE"),
    ],
)
def test_found_in_chinese_text(text: str, entity: str) -> None:
    assert _found([text]) == [(0, entity)]
    assert _found([text], entities=[entity]) == [(0, entity)]


def test_context_only_entities_need_their_context() -> None:
    texts = ["编号12345678", "订单100080号", "12345678", "台胞证123456789", "邮编1000801"]
    assert _found(texts, entities=["CN_TAIWAN_PERMIT", "CN_POSTCODE"]) == []


def test_email_does_not_swallow_chinese() -> None:
    found = scan_frame(pl.DataFrame({"t": ["联系ab@qq.com谢谢"]}), extra=True, entities=["EMAIL"])
    assert found["masked"].to_list() == ["AB@****OM"]


def test_same_value_reported_once_by_precedence() -> None:
    assert _found(["编号H12345678"]) == [(0, "CN_PASSPORT")]


def test_gate_scan_unchanged() -> None:
    texts = ["身份证110101199003077571电话13812345678", "护照E12345678车牌京A12345", "邮编100080"]
    frame = pl.DataFrame({"t": texts})
    gate = scan_frame(frame, entities=GATE)
    assert gate.equals(scan_frame(frame))
    assert gate.equals(scan_frame(frame, entities=GATE, extra=True))
    assert gate["entity"].to_list() == ["CN_RESIDENT_ID", "CN_MOBILE"]
    with pytest.raises(ValueError, match="CN_PASSPORT"):
        scan_frame(frame, entities=["CN_PASSPORT"])
    extra = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_PASSPORT", "CN_PLATE", "CN_POSTCODE"]
    assert scan_frame(frame, extra=True)["entity"].to_list() == extra


@pytest.mark.parametrize("name", list(CASES))
def test_presidio_pattern_finds_examples_in_chinese_text(name: str) -> None:
    pattern = re.compile(EXTRA_DETECTORS[name].PATTERN)
    for text in map(normalize_text, CASES[name][0]):
        match = pattern.search(f"号码{text}。")
        assert match is not None and match.group() == text, (name, text)
