"""find_spans: offsets into the original texts, overlap resolution, odd inputs."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.detectors.spans import SCHEMA, find_spans

TEXTS = [
    "市民周文军反映，孩子身份证330113201107190874，住杭州市临平区孙路154号，电话13549129903。",
    None,
    "",
    "来电人刘成磊（身份证号330203198303317025）回访电话１８３１３２１２７１５。",
    "车主陆桂芳投诉车牌号为浙E41200的车辆，座机(0574)68426117。",
]


@pytest.fixture(scope="module")
def spans() -> pl.DataFrame:
    return find_spans(TEXTS)


def test_schema_and_rows(spans: pl.DataFrame) -> None:
    assert spans.schema == pl.Schema(SCHEMA)
    assert set(spans["row"]) == {0, 3, 4}  # null and empty texts give no rows


def test_offsets_slice_back_to_the_text(spans: pl.DataFrame) -> None:
    for row, start, end, text in spans.select("row", "start", "end", "text").iter_rows():
        assert TEXTS[row][start:end] == text


def test_every_entity_found(spans: pl.DataFrame) -> None:
    got = set(spans.select("row", "entity", "text").iter_rows())
    assert got >= {
        (0, "PERSON", "周文军"),
        (0, "CN_RESIDENT_ID", "330113201107190874"),
        (0, "ADDRESS", "杭州市临平区孙路154号"),
        (0, "CN_MOBILE", "13549129903"),
        (3, "PERSON", "刘成磊"),
        (3, "CN_MOBILE", "１８３１３２１２７１５"),
        (4, "CN_PLATE", "浙E41200"),
        (4, "CN_LANDLINE", "(0574)68426117"),
    }


def test_overlaps_are_resolved(spans: pl.DataFrame) -> None:
    ordered = spans.sort("row", "start")
    same_row = ordered["row"].shift(-1) == ordered["row"]
    assert not (same_row & (ordered["start"].shift(-1) < ordered["end"])).any()
    ids = find_spans(["110101-19900307-7571"])  # also a postcode and a Taiwan permit shape
    assert ids.select("entity", "score").rows() == [("CN_RESIDENT_ID", 1.0)]


def test_entities_filter_and_series_input() -> None:
    found = find_spans(pl.Series(TEXTS), entities=["CN_MOBILE"])
    assert found["entity"].unique().to_list() == ["CN_MOBILE"]
    assert found.height == 2


def test_long_text_windows_keep_offsets() -> None:
    text = "说明。" * 1_500 + "联系电话13812345678" + "，备注" * 1_000 + "身份证110101199003077571"
    found = find_spans([text])
    assert found.select("entity", "text").rows() == [
        ("CN_MOBILE", "13812345678"),
        ("CN_RESIDENT_ID", "110101199003077571"),
    ]
    for start, end, value in found.select("start", "end", "text").iter_rows():
        assert text[start:end] == value


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x07\x1b\x7f",
        "\ud800身份证号110101199003077571\udfff",
        bytes(range(256)).decode("latin-1"),
        "号码138 1234 5678与110101-19900307-7571",
        "身份证号11010519491231002x联系",
        "a" * 1_000_000,
    ],
)
def test_odd_inputs_do_not_crash(text: str) -> None:
    found = find_spans([text])
    for start, end in found.select("start", "end").iter_rows():
        assert 0 <= start < end <= len(text)
