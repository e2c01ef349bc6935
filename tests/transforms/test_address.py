"""Street addresses: shape detector, vectorised scan and the opt-in registry slot."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.detectors.address import AddressDetector
from transforms.detectors.registry import DETECTORS, EXTRA_DETECTORS
from transforms.detectors.scan import scan_frame

ADDRESS = AddressDetector()
GOOD = [
    "杭州市富阳区六安路310号",
    "宁波市余姚市兰州路220号27幢3单元1102室",
    "浙江省温州市龙湾区林街270号16幢1单元1801室",
    "北京市朝阳区望京街道阜通东大道6号",
    "广东省深圳市南山区粤海街道科技园路１号",
    "上海市黄浦区南京东路100-2号",
]
BAD = ["杭州市富阳区", "六安路310号", "杭州市富阳区六安路", "市民反映噪音", "", "１２３"]


@pytest.mark.parametrize("text", GOOD)
def test_addresses_fit_the_shape(text: str) -> None:
    assert ADDRESS.validate(text) is None


@pytest.mark.parametrize("text", BAD)
def test_non_addresses_are_refused(text: str) -> None:
    assert ADDRESS.validate(text) is False


def test_valid_expr_agrees_with_validate() -> None:
    from transforms.detectors.normalize import compact_text

    values = [compact_text(t) for t in GOOD + BAD]
    got = pl.select(ADDRESS.valid_expr(pl.Series(values))).to_series().to_list()
    assert got == [ADDRESS.validate(t) for t in GOOD + BAD]


def test_scan_frame_finds_addresses_vectorised() -> None:
    texts = ["反映杭州市富阳区六安路310号路灯坏了", "住宁波市鄞州区重庆路383号", "无地址", None]
    found = scan_frame(pl.DataFrame({"t": texts}), extra=True, entities=["ADDRESS"])
    assert found.select("row", "entity").rows() == [(0, "ADDRESS"), (1, "ADDRESS")]
    assert scan_frame(pl.DataFrame({"t": texts})).height == 0  # the gate's default is unchanged


def test_registry_order_is_kept() -> None:
    assert list(DETECTORS) == ["CN_RESIDENT_ID", "CN_USCC", "CN_BANK_CARD", "CN_MOBILE"]
    assert list(EXTRA_DETECTORS)[-1] == "ADDRESS"


@pytest.mark.parametrize("text", ["\x00\ud800", "路" * 100_000, "杭州市" * 10_000 + "路1号"])
def test_odd_inputs_do_not_crash(text: str) -> None:
    assert ADDRESS.validate(text) in (None, False)
