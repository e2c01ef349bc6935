"""scan_frame: finds identifiers as real data writes them, and nothing in clean tables."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.detectors import (
    BankCardDetector,
    UsccDetector,
    contains_any,
    count_findings,
    scan_frame,
)
from transforms.detectors.resident_id import _check_char as id_check
from transforms.detectors.scan import OUTPUT_SCHEMA

ID = "110101199003077571"
ID_X = "11010519491231002X"
MOBILE = "13812345678"
USCC = "91350100M000100Y43"
CARD = "6222021234567890128"
CARD16 = "6222021234567894"
R, M, U, C = "CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_BANK_CARD"


def entities(texts: list[str | None], **kwargs) -> list[tuple[int, str]]:
    found = scan_frame(pl.DataFrame({"t": texts}, schema={"t": pl.String}), **kwargs)
    return list(zip(found["row"], found["entity"], strict=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号110101199003077571联系", [R]),
        ("身份证号11010519491231002x联系", [R]),
        ("证件号码：１１０１０１１９９００３０７７５７１。", [R]),
        ("身份证 110101 19900307 7571 已核验", [R]),
        ("身份证110101-19900307-7571", [R]),
        ("手机138-1234-5678请回电", [M]),
        ("手机138 1234 5678请回电", [M]),
        ("电话：+86 13812345678", [M]),
        ("电话+8613812345678", [M]),
        ("电话0086-138-1234-5678", [M]),
        ("电话（+86）13812345678", [M]),
        ("联系方式１３８１２３４５６７８", [M]),
        ("联系方式１３８\u3000１２３４\u3000５６７８", [M]),
        ("统一社会信用代码91350100M000100Y43的企业", [U]),
        ("信用代码：91350100m000100y43", [U]),
        ("信用代码９１３５０１００Ｍ０００１００Ｙ４３", [U]),
        ("信用代码91110000710925462X", [U]),
        ("卡号6222 0212 3456 7890 128转账", [C]),
        ("卡号6222-0212-3456-7894", [C]),
        ("银行卡6222021234567890128。", [C]),
        ("Tel13812345678", [M]),
        ("旧身份证110101900307757", [R]),
    ],
)
def test_finds_embedded_identifiers(text: str, expected: list[str]) -> None:
    assert [e for _, e in entities([text])] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{ID} {MOBILE}", [R, M]),
        (f"{ID}-{MOBILE}", [R, M]),
        (f"{MOBILE} {MOBILE}", [M, M]),
        (f"{MOBILE}-13912345678", [M, M]),
        (f"{ID_X} {ID}", [R, R]),
        (f"{ID_X}{MOBILE}", [R, M]),  # the X ends the first one
        (f"{CARD} {CARD16}", [C, C]),
        (f"{USCC} {MOBILE}", [U, M]),
        (f"+86 138 1234 5678 / {ID}", [M, R]),
    ],
)
def test_finds_neighbours_split_by_a_space_or_hyphen(text: str, expected: list[str]) -> None:
    assert sorted(e for _, e in entities([text])) == sorted(expected)


def test_clean_aggregated_table_has_no_findings() -> None:
    clean = pl.DataFrame(
        {
            "district": [330106, 110101, 440305],
            "district_name": ["西湖区", "东城区", "南山区"],
            "date": ["2025-03-12", "2024-12-31", "2025-01-01"],
            "timestamp": ["2025-03-12 10:30:00", "2024-12-31 23:59:59", "2025-01-01 00:00:00"],
            "count": [12, 345, 6789],
            "amount": ["12345.67", "1234567.89", "0.5"],
            "amount_f": [12345.67, 1234567.89, 0.5],
            "category": ["医疗卫生", "教育", "社会保障"],
            "note": ["2025年第1季度共计1,234,567元", "同比增长12.5%", "区划代码330106，数量42"],
            "period": ["2024-2025", "2023 2024 2025", "第1-3季度"],
            "bad_id": ["110101199003077572", "身份证110101199003077570", "123456789012345678"],
        }
    )
    assert scan_frame(clean).is_empty()
    assert not contains_any(clean)


@pytest.mark.parametrize("other", [UsccDetector(), BankCardDetector()])
def test_precedence_one_finding_per_span(other) -> None:
    bodies = (f"621102199003{d:02d}{s:03d}" for d in range(1, 29) for s in range(1000))
    ids = (b + id_check(b) for b in bodies)
    both = next(i for i in ids if other.validate(i))  # valid as an ID and as `other`
    assert entities([f"号码{both}"]) == [(0, R)]
    assert entities([both], entities=[other.ENTITY]) == [(0, other.ENTITY)]


def test_overlapping_windows_give_one_finding() -> None:
    # the 19-digit card wins over the overlapping 16-digit Luhn-valid prefix window
    assert entities(["卡号6222 0212 3456 7890 128"]) == [(0, C)]
    # a +86 mobile is reported once, not as 8613812345678 and 13812345678
    assert entities(["电话 +86 138 1234 5678"]) == [(0, M)]


def test_output_shape_rows_columns_and_masking() -> None:
    frame = pl.DataFrame(
        {
            "id": [None, "张三", f"身份证{ID}"],
            "phone": [int(MOBILE), None, 12],
            "card": pl.Series([int(CARD), 0, None], dtype=pl.UInt64),
            "price": [1.5, 2.5, 13812345678.0],  # floats are not scanned
        }
    )
    found = scan_frame(frame)
    assert found.schema == pl.Schema(OUTPUT_SCHEMA)
    assert found.rows() == [
        ("id", 2, R, "110*************71"),
        ("phone", 0, M, "138******78"),
        ("card", 0, C, "622**************28"),
    ]
    for raw in (ID, MOBILE, CARD):
        assert not found["masked"].str.contains(raw).any()


def test_masked_never_equals_raw() -> None:
    texts = [ID, ID_X.lower(), MOBILE, "8613812345678", USCC, CARD, CARD16]
    found = scan_frame(pl.DataFrame({"t": texts}))
    assert found.height == len(texts)
    for raw, masked in zip(texts, found["masked"], strict=True):
        assert masked != raw and masked != raw.upper()
        assert len(masked) == len(raw) and masked.count("*") == len(raw) - 5


def test_lazy_input_entities_and_columns() -> None:
    lf = pl.LazyFrame({"a": [f"{ID} {MOBILE}"], "b": [USCC], "n": [1.0]})
    assert scan_frame(lf).height == 3
    assert scan_frame(lf, entities=["CN_MOBILE"])["entity"].to_list() == [M]
    assert scan_frame(lf, columns=["b"])["column"].to_list() == ["b"]
    assert scan_frame(lf, columns=[]).is_empty()
    with pytest.raises(ValueError, match="CN_PASSPORT"):
        scan_frame(lf, entities=["CN_PASSPORT"])
    with pytest.raises(ValueError, match="not in frame"):
        scan_frame(lf, columns=["zzz"])
    with pytest.raises(ValueError, match="cannot scan"):
        scan_frame(lf, columns=["n"])
    assert count_findings(lf).rows() == [("a", R, 1), ("a", M, 1), ("b", U, 1)]


def test_empty_frames() -> None:
    assert scan_frame(pl.DataFrame()).is_empty()
    assert scan_frame(pl.DataFrame({"t": []}, schema={"t": pl.String})).is_empty()
    assert scan_frame(pl.DataFrame({"t": [None, "", " "]})).is_empty()
    assert scan_frame(pl.DataFrame({"f": [1.0]})).schema == pl.Schema(OUTPUT_SCHEMA)


def test_huge_and_junk_strings_do_not_crash() -> None:
    rng = random.Random(7)
    huge_digits = "".join(rng.choice("0123456789 -") for _ in range(100_000))
    junk = bytes(rng.randrange(256) for _ in range(5_000)).decode("latin-1")
    texts = [
        "数" * 100_000 + ID,
        "1" * 100_000,
        huge_digits,
        junk,
        "\x00\x01\ufffd" * 1000,
        "x" * 100_000,
        "１" * 50_000,
    ]
    found = scan_frame(pl.DataFrame({"t": texts}))
    assert (0, R) in list(zip(found["row"], found["entity"], strict=True))
    assert not found.filter(pl.col("row") == 1).height


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
    st.integers(0, 999),
    st.sampled_from(["", " ", "-"]),
    st.text("的了是我有在人这中大为上个国们以要他时来用生", max_size=8),
    st.text("的了是我有在人这中大为上个国们以要他时来用生", max_size=8),
)
def test_any_valid_id_in_chinese_text_is_found(
    birth: dt.date, seq: int, sep: str, before: str, after: str
) -> None:
    body = f"330106{birth:%Y%m%d}{seq:03d}"
    rid = body + id_check(body)
    spaced = sep.join((rid[:6], rid[6:14], rid[14:]))
    assert entities([before + spaced + after]) == [(0, R)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.none() | st.text(max_size=60), max_size=20))
def test_arbitrary_text_never_crashes(texts: list[str | None]) -> None:
    found = scan_frame(pl.DataFrame({"t": texts}, schema={"t": pl.String}))
    assert found["row"].is_between(0, max(len(texts) - 1, 0)).all()
