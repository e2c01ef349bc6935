"""The detectors as Presidio recognizers, through the offline analyzer."""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine

from transforms.detectors.analyzer import build_analyzer
from transforms.detectors.recognizers import recognizer_for
from transforms.detectors.registry import ALL_DETECTORS, DETECTORS

ODD_INPUTS = [
    "",
    "\x00\x01\x1b[31m\x7f",
    "\ud800\udfff孤立代理项",
    "\ufffd\ufffe\uffff" + bytes(range(256)).decode("latin-1"),
    "１３８１２３４５６７８",
    "   \n\t  ",
    "x" * 5_000,
]


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return build_analyzer()


def _found(analyzer: AnalyzerEngine, text: str) -> dict[str, tuple[str, float]]:
    results = analyzer.analyze(text, language="zh")
    return {r.entity_type: (text[r.start : r.end], r.score) for r in results}


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("身份证号110101199003077571联系", "CN_RESIDENT_ID", "110101199003077571"),
        ("证件110101-19900307-7571已核", "CN_RESIDENT_ID", "110101-19900307-7571"),
        ("身份证11010519491231002x", "CN_RESIDENT_ID", "11010519491231002x"),
        ("手机138 1234 5678联系", "CN_MOBILE", "138 1234 5678"),
        ("电话１３８１２３４５６７８", "CN_MOBILE", "１３８１２３４５６７８"),
        ("回访+8613812345678", "CN_MOBILE", "+8613812345678"),
        ("卡号6222 0212 3456 7890 128丢失", "CN_BANK_CARD", "6222 0212 3456 7890 128"),
        ("信用代码91350100M000100Y43的企业", "CN_USCC", "91350100M000100Y43"),
        ("座机(0571)86317742分机12", "CN_LANDLINE", "(0571)86317742分机12"),
        ("持护照E12345678入境", "CN_PASSPORT", "E12345678"),
        ("港澳通行证CA1234567已过期", "CN_HK_MACAU_PERMIT", "CA1234567"),
        ("回乡证M1234567890办理", "CN_HOME_RETURN_PERMIT", "M1234567890"),
        ("车牌粤BD12345停在路边", "CN_PLATE", "粤BD12345"),
        ("发邮件到zhang.san@example.com谢谢", "EMAIL", "zhang.san@example.com"),
        ("服务器192.168.1.1无法访问", "IP_ADDRESS", "192.168.1.1"),
        ("邮编100080北京", "CN_POSTCODE", "100080"),
        ("住杭州市西湖区文三路90号3幢1单元501室", "ADDRESS", "杭州市西湖区文三路90号3幢1单元501室"),
        ("市民王芳来电反映噪音", "PERSON", "王芳"),
    ],
)
def test_each_entity_found_in_chinese_text(
    analyzer: AnalyzerEngine, text: str, entity: str, value: str
) -> None:
    assert _found(analyzer, text)[entity][0] == value


def test_every_detector_has_a_recognizer(analyzer: AnalyzerEngine) -> None:
    names = {r.supported_entities[0] for r in analyzer.registry.recognizers}
    assert names == {*ALL_DETECTORS, "PERSON"}


def test_validation_drops_bad_checksums(analyzer: AnalyzerEngine) -> None:
    assert "CN_RESIDENT_ID" not in _found(analyzer, "身份证号110101199003077572")
    assert "CN_USCC" not in _found(analyzer, "信用代码91350100M000100Y44")
    assert "CN_BANK_CARD" not in _found(analyzer, "卡号6222021234567890127")


def test_validate_outcomes_map_to_presidio_scores() -> None:
    rid = recognizer_for(DETECTORS["CN_RESIDENT_ID"])
    mobile = recognizer_for(DETECTORS["CN_MOBILE"])
    assert [r.score for r in rid.analyze("110101199003077571", [])] == [1.0]  # True
    assert rid.analyze("110101199003077572", []) == []  # False
    assert [r.score for r in mobile.analyze("13812345678", [])] == [0.4]  # None


def test_recognizer_reuses_the_detector_definition() -> None:
    for det in ALL_DETECTORS.values():
        rec = recognizer_for(det)
        assert rec.patterns[0].regex is det.PATTERN
        assert rec.context == list(det.CONTEXT)
        assert rec.supported_language == "zh"


@pytest.mark.parametrize(
    ("plain", "with_context", "entity"),
    [
        ("号码13812345678", "联系电话13812345678", "CN_MOBILE"),
        ("编号100080", "邮编100080", "CN_POSTCODE"),
        ("备注京A12345", "车牌京A12345", "CN_PLATE"),
        ("今天王芳来了", "姓名：王芳", "PERSON"),
    ],
)
def test_context_words_raise_the_score(
    analyzer: AnalyzerEngine, plain: str, with_context: str, entity: str
) -> None:
    assert _found(analyzer, with_context)[entity][1] > _found(analyzer, plain)[entity][1]


def test_large_inputs() -> None:
    """200 KB of junk through every `validate` and recognizer (find_spans feeds recognizers
    windows; its own test covers a megabyte)."""
    text = ("１３８ 1234-x王 -·\x00" * 20_000)[:200_000]
    for det in ALL_DETECTORS.values():
        assert det.validate(text) in (None, False)
        for r in recognizer_for(det).analyze(text, []):
            assert 0 <= r.start < r.end <= len(text)


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_inputs_do_not_crash(analyzer: AnalyzerEngine, text: str) -> None:
    analyzer.analyze(text, language="zh")
    for det in ALL_DETECTORS.values():
        recognizer_for(det).analyze(text, [])
        det.validate(text)
