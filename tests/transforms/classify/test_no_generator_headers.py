"""No classification rule names a column of either generator: no header hint and no word of
a value vocabulary is a header that the sample generator (sample_data/) or the evaluation
generator (bench/classify_eval/) writes, so the evaluation's figures measure what the rules
know of a department's data in general, not what they were told of these files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sample_data.generate import generate as write_sample
from transforms.classify.hint_table import CHINESE, TOKENS
from transforms.classify.hints import normalise_header
from transforms.classify.vocabulary import VOCAB_ENTITIES, divisions, words

BENCH = Path(__file__).parents[3] / "bench"


def _header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pl.read_parquet_schema(path))
    line = path.read_bytes().split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        text = line.decode("gbk")
    return pl.read_csv(text.encode(), n_rows=0).columns


@pytest.fixture(scope="module")
def sample_headers(tmp_path_factory) -> set[str]:
    """Every header of every file the sample generator writes (its truth tables too)."""
    root = tmp_path_factory.mktemp("sample")
    write_sample(root, rows=60)
    files = [p for p in root.rglob("*") if p.suffix in (".csv", ".parquet")]
    assert len(files) >= 6
    return {h for path in files for h in _header(path)}


@pytest.fixture(scope="module")
def evaluation_headers() -> set[str]:
    """Every header of the evaluation generator, in each of its styles."""
    mp = pytest.MonkeyPatch()
    mp.syspath_prepend(str(BENCH))
    from classify_eval.generate import STYLES, TABLES, headers

    mp.undo()
    return {h for table in TABLES for style in STYLES for h in headers(table, style)}


def rule_words() -> dict[str, str]:
    """Every keyword a rule matches a column by -> where it is."""
    found = {k: "header hint (Chinese fragment)" for k in CHINESE}
    found |= {k: "header hint (token)" for k in TOKENS}
    for entity in VOCAB_ENTITIES:
        found |= {w: f"vocabulary {entity}" for w in words(entity)}
    d = divisions()
    found |= {w: "division names" for w in d["name"].to_list() + d["short"].drop_nulls().to_list()}
    return found


def test_the_generators_write_the_headers_read_here(sample_headers, evaluation_headers):
    assert {"sfzh", "统一社会信用代码", "patient_id", "caller_name"} <= sample_headers
    assert {"公民身份号码", "gmsfhm", "col_01", "zdmc"} <= evaluation_headers


def test_no_rule_keyword_is_a_generator_header(sample_headers, evaluation_headers):
    rules = rule_words()
    named = {
        (h, rules[key])
        for h in sample_headers | evaluation_headers
        for key in {h, normalise_header(h)}
        if key in rules
    }
    assert not named, sorted(named)
