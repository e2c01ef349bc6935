"""classify_frame against the sample data's ground truth, the grade floors, and odd input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sample_data.generate import generate
from transforms.classify import GRADES, classify_frame

CATEGORIES = {
    "direct_identifier",
    "quasi_identifier",
    "sensitive_attribute",
    "non_personal",
    "free_text",
}
KEYS = {"name", "category", "entity", "pi_class", "sensitive_pi", "grade", "confidence", "evidence"}


def _rank(grade: str) -> int:
    return GRADES.index(grade)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], pl.DataFrame]:
    root: Path = tmp_path_factory.mktemp("classify")
    generate(root, rows=2000)
    frames = {
        "social_insurance": pl.read_csv(
            root / "social_insurance.csv",
            encoding="gbk",
            infer_schema=False,
            truncate_ragged_lines=True,
        ),
        "enterprise_registry": pl.read_csv(root / "enterprise_registry.csv", infer_schema=False),
        "hotline_tickets": pl.read_csv(root / "hotline_tickets.csv", infer_schema=False),
        "hospital_visits": pl.read_parquet(root / "hospital_visits.parquet"),
    }
    results = {name: classify_frame(f, resource=name) for name, f in frames.items()}
    truth = pl.read_csv(root / "_truth" / "columns.csv")
    return results, truth


def _joined(sample: tuple[dict[str, dict], pl.DataFrame]) -> pl.DataFrame:
    results, truth = sample
    rows = [
        {"resource": r, "column": c["name"], "got": c["category"], "got_entity": c["entity"]}
        for r, out in results.items()
        for c in out["columns"]
    ]
    return truth.join(pl.DataFrame(rows), on=["resource", "column"], how="left")


def test_output_shape(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    results, _ = sample
    for name, out in results.items():
        assert set(out) == {"resource", "table_grade", "columns"}
        assert out["resource"] == name
        assert out["table_grade"] == max((c["grade"] for c in out["columns"]), key=_rank)
        for col in out["columns"]:
            assert set(col) == KEYS
            assert col["category"] in CATEGORIES
            assert col["grade"] in GRADES
            assert 0.0 <= col["confidence"] <= 1.0
            assert col["evidence"] and all(isinstance(e, str) for e in col["evidence"])


def test_direct_identifier_recall(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    joined = _joined(sample)
    direct = joined.filter(pl.col("category") == "direct_identifier")
    missed = direct.filter(pl.col("got") != "direct_identifier")
    assert missed.height == 0, missed


def test_non_personal_never_direct(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    joined = _joined(sample)
    wrong = joined.filter(
        (pl.col("category") == "non_personal") & (pl.col("got") == "direct_identifier")
    )
    assert wrong.height == 0, wrong


def test_category_accuracy(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    joined = _joined(sample)
    accuracy = (joined["category"] == joined["got"]).mean()
    print(f"category accuracy {accuracy:.3f} over {joined.height} columns")
    print(joined.filter(pl.col("category") != pl.col("got")))
    assert accuracy >= 0.85


def test_identifier_entities(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    joined = _joined(sample)
    ids = joined.filter(pl.col("entity").is_in(["CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC"]))
    assert (ids["entity"] == ids["got_entity"]).all(), ids


def test_free_text_reports_embedded(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    results, _ = sample
    content = next(c for c in results["hotline_tickets"]["columns"] if c["name"] == "content")
    assert content["category"] == "free_text"
    evidence = " ".join(content["evidence"])
    assert "CN_RESIDENT_ID" in evidence
    assert "CN_MOBILE" in evidence
    assert content["sensitive_pi"]


def test_grade_floors(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    results, _ = sample
    for out in results.values():
        for col in out["columns"]:
            if col["sensitive_pi"]:
                assert _rank(col["grade"]) >= _rank("general-4"), col
            if col["category"] != "non_personal" or col["pi_class"] is not None:
                assert _rank(col["grade"]) >= _rank("general-2"), col


def test_sensitive_columns(sample: tuple[dict[str, dict], pl.DataFrame]) -> None:
    results, _ = sample
    cols = {c["name"]: c for c in results["hospital_visits"]["columns"]}
    assert cols["diagnosis"]["pi_class"] == "health" and cols["diagnosis"]["sensitive_pi"]
    assert cols["patient_id"]["grade"] == "general-4"
    assert results["hospital_visits"]["table_grade"] == "general-4"


def test_deterministic_sampling() -> None:
    frame = pl.DataFrame({"phone": [f"138{i:08d}" for i in range(300)], "n": range(300)})
    a = classify_frame(frame, resource="r", sample_rows=50, seed=1)
    b = classify_frame(frame, resource="r", sample_rows=50, seed=1)
    assert a == b
    assert a["columns"][0]["entity"] == "CN_MOBILE"


ODD = {
    "all null": pl.DataFrame({"x": pl.Series([None, None], dtype=pl.String)}),
    "null dtype": pl.DataFrame({"x": [None, None]}),
    "empty": pl.DataFrame(),
    "no rows": pl.DataFrame({"sfzh": pl.Series([], dtype=pl.String)}),
    "junk": pl.DataFrame({"b": ["\x00\x01\xff\ufffd", "\x7f" * 50, "", "  "]}),
    "binary": pl.DataFrame({"b": pl.Series([b"\x00\xff\xfe", None], dtype=pl.Binary)}),
    "long": pl.DataFrame({"t": ["很长的文本，" * 20_000 + "13812345678", "a" * 100_000]}),
    "mixed": pl.DataFrame({"m": [1, 2, 3]}).with_columns(
        pl.Series("s", ["a", "1.5", None]), pl.Series("d", [1.5, None, 2.0])
    ),
    "nested": pl.DataFrame({"l": [[1, 2], [3]], "st": [{"a": 1}, {"a": 2}]}),
}


@pytest.mark.parametrize("name", list(ODD))
def test_odd_input_never_crashes(name: str) -> None:
    frame = ODD[name]
    out = classify_frame(frame, resource=name)
    assert len(out["columns"]) == frame.width
    assert out["table_grade"] in GRADES


def test_mixed_types_cast_to_string() -> None:
    mixed = pl.Series("v", ["110101199003077571", 13812345678, 3.5, None, True], strict=False)
    frame = pl.DataFrame({"v": mixed.cast(pl.String)})
    out = classify_frame(frame, resource="mixed")
    col = out["columns"][0]
    assert col["category"] != "non_personal"  # identifiers in there: never waved through
    assert "CN_RESIDENT_ID" in " ".join(col["evidence"])
