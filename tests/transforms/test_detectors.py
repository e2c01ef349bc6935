"""Validators: known examples, Presidio patterns, and pure-Python == polars equivalence."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.detectors import (
    DETECTORS,
    BankCardDetector,
    MobileDetector,
    ResidentIdDetector,
    UnknownDetectorError,
    UsccDetector,
    compact_expr,
    compact_text,
    get_detector,
    normalize_expr,
    normalize_text,
)
from transforms.detectors.bank_card import _luhn_ok
from transforms.detectors.resident_id import _check_char as id_check
from transforms.detectors.uscc import _ALPHABET, _check_value

RID, USCC, CARD, MOBILE = ResidentIdDetector(), UsccDetector(), BankCardDetector(), MobileDetector()


def make_id(region: int, birth: dt.date, seq: int) -> str:
    body = f"{region:06d}{birth:%Y%m%d}{seq:03d}"
    return body + id_check(body)


def make_uscc(body: str) -> str:
    return body + _ALPHABET[_check_value(body)]


def make_card(payload: str) -> str:
    return next(payload + d for d in "0123456789" if _luhn_ok(payload + d))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("110101199003077571", True),
        ("11010519491231002X", True),
        ("11010519491231002x", True),  # lower-case check char
        ("１１０１０１１９９００３０７７５７１", True),  # full-width
        ("110101 19900307 7571", True),
        ("110101199003077572", False),  # wrong check char
        ("110101199003077570", False),
        (make_id(110101, dt.date(2000, 2, 29), 123), True),  # leap day
        ("110101190002290000"[:17] + id_check("11010119000229000"), False),  # 1900: no leap day
        ("11010119901332" + "757" + id_check("11010119901332757"), False),  # month 13
        ("11010119900230" + "757" + id_check("11010119900230757"), False),  # 30 February
        ("11010118990101" + "757" + id_check("11010118990101757"), False),  # before 1900
        ("110101900307757", None),  # legacy 15-digit, real date: cannot tell
        ("110101901307757", False),  # legacy, month 13
        ("990101900307757", False),  # legacy, no such province
        ("11010119900307757", False),
        ("1101011990030775711", False),
        ("", False),
        ("11010119900307757A", False),
    ],
)
def test_resident_id(text: str, expected: bool | None) -> None:
    assert RID.validate(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91350100M000100Y43", True),
        ("91350100m000100y43", True),
        ("91110000710925462X", True),
        ("91350100M000100Y44", False),
        ("91350100M000100I43", False),  # I is not in the alphabet
        ("9135O100M000100Y43", False),  # region code must be digits
        ("91950100M000100Y4" + _ALPHABET[_check_value("91950100M000100Y4")], False),  # region 9x
        ("91350100M000100Y4", False),
        ("", False),
    ],
)
def test_uscc(text: str, expected: bool) -> None:
    assert USCC.validate(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6222021234567890128", True),
        ("6222 0212 3456 7890 128", True),
        ("6222-0212-3456-7894", True),
        (make_card("411111111111111"), True),  # Visa 16
        (make_card("222100000000000"), True),  # Mastercard 2-series
        (make_card("37828224631000"), True),  # Amex 15
        (make_card("62220212345678"), False),  # 15 digits, not Amex
        ("6222021234567890129", False),  # Luhn fails
        (make_card("123456781234567"), False),  # Luhn-valid, unknown prefix
        (make_card("272100000000000"), False),  # just past the 2-series range
        (make_card("62220212345678901234"), False),  # 21 digits
        ("", False),
    ],
)
def test_bank_card(text: str, expected: bool) -> None:
    assert CARD.validate(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", None),
        ("138-1234-5678", None),
        ("+86 138 1234 5678", None),
        ("008613812345678", None),
        ("8613812345678", None),
        ("＋８６１３８１２３４５６７８", None),
        ("12812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("0571-88888888", False),
        ("", False),
    ],
)
def test_mobile(text: str, expected: bool | None) -> None:
    assert MOBILE.validate(text) is expected


def test_registry_is_keyed_by_entity_in_precedence_order() -> None:
    assert list(DETECTORS) == ["CN_RESIDENT_ID", "CN_USCC", "CN_BANK_CARD", "CN_MOBILE"]
    for name, det in DETECTORS.items():
        assert name == det.ENTITY
        assert get_detector(name) is det
        assert 0 < det.SCORE <= 1
        assert any("\u4e00" <= ch <= "\u9fff" for word in det.CONTEXT for ch in word)
        assert any(word.isascii() for word in det.CONTEXT)


def test_unknown_detector_names_the_known_ones() -> None:
    with pytest.raises(UnknownDetectorError, match=r"CN_PASSPORT.*CN_RESIDENT_ID.*CN_MOBILE"):
        get_detector("CN_PASSPORT")


@pytest.mark.parametrize(
    ("det", "sentence", "value"),
    [
        (RID, "身份证号110101199003077571联系", "110101199003077571"),
        (RID, "证件号码：11010519491231002x。", "11010519491231002x"),
        (MOBILE, "联系电话13812345678谢谢", "13812345678"),
        (MOBILE, "手机+86 138-1234-5678", "+86 138-1234-5678"),
        (USCC, "统一社会信用代码91350100M000100Y43的企业", "91350100M000100Y43"),
        (CARD, "银行卡号6222 0212 3456 7890 128转账", "6222 0212 3456 7890 128"),
    ],
)
def test_presidio_patterns_work_beside_chinese(det, sentence: str, value: str) -> None:
    match = re.search(det.PATTERN, sentence)
    assert match is not None and match.group() == value
    assert det.validate(match.group()) is not False


def test_normalize_python_and_polars_agree() -> None:
    texts = ["ＡＢＣａｂｃ０１２\u3000－＋", "电话 138-1234", "", None]
    got = pl.select(normalize_expr(pl.Series(texts)), compact_expr(pl.Series(texts)).alias("c"))
    assert got.to_series(0).to_list() == [None if t is None else normalize_text(t) for t in texts]
    assert got.to_series(1).to_list() == [None if t is None else compact_text(t) for t in texts]


# --- equivalence of validate and valid_expr -------------------------------------------------

births = st.dates(dt.date(1890, 1, 1), dt.date(2105, 12, 31))
valid_ids = st.builds(
    make_id, st.integers(110000, 839999), births, st.integers(0, 999)
) | st.builds(
    lambda r, b, s: f"{r:06d}{b:%y%m%d}{s:03d}", st.integers(0, 999999), births, st.integers(0, 999)
)
valid_usccs = st.builds(
    lambda head, region, org: make_uscc(head + region + org),
    st.text(_ALPHABET, min_size=2, max_size=2),
    st.integers(0, 999999).map(lambda r: f"{r:06d}"),
    st.text(_ALPHABET, min_size=9, max_size=9),
)
valid_cards = st.builds(
    lambda prefix, rest: make_card((prefix + rest)[:18]),
    st.sampled_from(["62", "4", "51", "55", "2221", "2720", "34", "37", "35", "6013", "9558"]),
    st.text("0123456789", min_size=13, max_size=17),
)
mobiles = st.builds(
    lambda pre, n: pre + n,
    st.sampled_from(["", "+86", "86", "0086", "+0086", "8", "086"]),
    st.text("0123456789", min_size=9, max_size=13).map(lambda s: "1" + s),
)
digit_junk = st.text("0123456789Xx -", min_size=0, max_size=22)
alnum_junk = st.text(_ALPHABET + "IOZSVxabc＋０９Ａ－\u3000+", min_size=0, max_size=20)
any_junk = st.text(max_size=25)


def mutate(s: str, data: st.DataObject) -> str:
    if not s or not data.draw(st.booleans()):
        return s
    i = data.draw(st.integers(0, len(s) - 1))
    return s[:i] + data.draw(st.sampled_from("0123456789XA x-")) + s[i + 1 :]


@settings(max_examples=150, deadline=None)
@given(
    st.data(),
    st.lists(
        valid_ids | valid_usccs | valid_cards | mobiles | digit_junk | alnum_junk | any_junk,
        min_size=1,
        max_size=60,
    ),
)
def test_validate_equals_valid_expr(data: st.DataObject, texts: list[str]) -> None:
    texts = [mutate(t, data) for t in texts]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String}).select(c=compact_expr(pl.col("t")))
    got = frame.select(det.valid_expr(pl.col("c")).alias(n) for n, det in DETECTORS.items())
    for name, det in DETECTORS.items():
        assert got[name].to_list() == [det.validate(t) for t in texts], name


def test_valid_expr_null_in_null_out() -> None:
    frame = pl.DataFrame({"t": [None]}, schema={"t": pl.String})
    for det in DETECTORS.values():
        assert frame.select(det.valid_expr(pl.col("t"))).item() is None
