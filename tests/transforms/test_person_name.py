"""Chinese person names: jieba tags with precision rules, and the whole-value share."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.detectors.person_name import find_names, is_name_word, name_value_share
from transforms.detectors.surnames import SURNAME_PATTERN, surname_of


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("市民张建国来电反映小区噪音扰民", ["张建国"]),
        ("联系人：李娜，电话13812345678", ["李娜"]),
        ("投诉人欧阳娜娜称快递丢失", ["欧阳娜娜"]),
        ("家属王建华求助：老人谢洁今日走失", ["王建华", "谢洁"]),
        ("咨询公积金提取政策，来电人未留联系方式。", []),
        ("反映杭州市富阳区六安路路灯损坏", []),
    ],
)
def test_names_found_in_sentences(text: str, names: list[str]) -> None:
    (spans,) = find_names([text])
    assert [text[s:e] for s, e in spans] == names


@pytest.mark.parametrize("word", ["徐汇区", "林街", "杭州", "石家庄", "张", "王芳芳芳芳", "李A"])
def test_places_and_odd_words_are_not_names(word: str) -> None:
    assert not is_name_word(word)


def test_surnames_cover_single_and_compound() -> None:
    assert surname_of("司马光") == "司马"
    assert surname_of("马云") == "马"
    assert SURNAME_PATTERN.startswith("(?:")


def test_name_value_share_counts_whole_names_only() -> None:
    s = pl.Series(["张三", " 李四 ", "诸葛亮", "阿依古丽·买买提", "杭州市", "张三丰来电反映", None])
    assert name_value_share(s) == pytest.approx(4 / 6)
    assert name_value_share(pl.Series([], dtype=pl.String)) == 0.0
    assert name_value_share(pl.Series([1, 2])) == 0.0


@pytest.mark.parametrize(
    "text", [None, "", "\x00\x1f", "\ud800王芳", "ＡＢＣ１２３", "王" * 5_000, "a b\tc\n"]
)
def test_odd_inputs_do_not_crash(text: str | None) -> None:
    (spans,) = find_names([text])
    for s, e in spans:
        assert 0 <= s < e <= len(text or "")
