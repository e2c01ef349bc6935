"""A supplier's attack on classification: sensitive personal information delivered so that it
reads as non-personal and goes out in an open dataset. The file is a GBK CSV with opaque
headers (col_1, col_2, col_3) or a decoy one, the sensitive answers are diluted with neutral
ones (无, 不详) or filler, padded with full-width spaces, and real ID numbers are hidden among
order numbers that fail the ID check.

The attacker writes its own values (below), not the classifier's vocabularies, and reads the
classification as `sluice classify` gives it: the column must not come out non-personal."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from flows.services.classify import classify_file

ROWS = 400
RELIGIONS = ("佛教", "基督教", "伊斯兰教", "天主教", "道教", "藏传佛教")
DIAGNOSES = (
    "II型糖尿病", "高血压病", "重度抑郁症", "双相情感障碍", "精神分裂症（偏执型）", "艾滋病",
    "慢性丙型肝炎", "肺癌晚期", "系统性红斑狼疮", "肺结核复治", "酒精依赖综合征", "宫颈癌术后",
)  # fmt: skip
MARRIAGE = ("离婚", "丧偶", "再婚", "已婚", "未婚")
FILLER = ("正常", "健康", "体检合格", "良好", "已完成")
_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def _real_id(rng: random.Random) -> str:
    body = f"4403051{rng.randint(960, 999)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
    body += f"{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _order(rng: random.Random) -> str:
    return f"4403052025{rng.randint(10, 12)}{rng.randint(10, 28)}{rng.randint(0, 9999):04d}"


def _deliver(tmp_path: Path, header: str, values: list[str]) -> dict:
    """The supplier's file: the planted column third, between harmless ones, in GBK."""
    rng = random.Random(7)
    frame = pl.DataFrame(
        {
            "col_1": [str(rng.randint(1, 50)) for _ in values],
            "col_2": [rng.choice(("A", "B", "C")) for _ in values],
            header: values,
        }
    )
    path = tmp_path / "delivery.csv"
    path.write_bytes(frame.write_csv().encode("gbk"))
    return classify_file(path)


def _planted(result: dict, header: str) -> dict:
    return next(c for c in result["columns"] if c["name"] == header)


def _mix(rng: random.Random, planted: tuple[str, ...], other: tuple[str, ...], share: float):
    return [rng.choice(planted) if rng.random() < share else rng.choice(other) for _ in range(ROWS)]


STRATEGIES = {
    "religions, mostly 无 and 不详": lambda rng: _mix(rng, RELIGIONS, ("无", "无", "不详"), 0.15),
    "diagnoses padded with full-width spaces": lambda rng: [
        f"\u3000{rng.choice(DIAGNOSES)} " for _ in range(ROWS)
    ],
    "diagnoses diluted with filler": lambda rng: _mix(rng, DIAGNOSES, FILLER, 0.3),
    "marital histories": lambda rng: _mix(rng, MARRIAGE, ("不详",), 0.9),
}


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_sensitive_values_under_col_3_are_not_released_as_non_personal(
    tmp_path: Path, strategy: str
) -> None:
    values = STRATEGIES[strategy](random.Random(11))
    result = _deliver(tmp_path, "col_3", values)
    col = _planted(result, "col_3")
    assert col["category"] != "non_personal", col["evidence"]
    assert col["sensitive_pi"] and col["grade"] == "general-4"
    assert result["table_grade"] == "general-4"


def test_a_decoy_header_does_not_hide_diagnoses(tmp_path: Path) -> None:
    rng = random.Random(12)
    col = _planted(
        _deliver(tmp_path, "商品名称", [rng.choice(DIAGNOSES) for _ in range(ROWS)]), "商品名称"
    )
    assert col["sensitive_pi"] and col["pi_class"] == "health"


def test_real_ids_among_order_numbers_are_not_waved_through(tmp_path: Path) -> None:
    rng = random.Random(13)
    values = [_real_id(rng) if rng.random() < 0.35 else _order(rng) for _ in range(ROWS)]
    col = _planted(_deliver(tmp_path, "col_3", values), "col_3")
    assert col["category"] == "direct_identifier" and col["entity"] == "CN_RESIDENT_ID"
