"""Impossible settings fail early with messages that say what to change."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.anonymize.apply import apply_node
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy
from transforms.anonymize.models import KAnonymity, max_suppressed
from transforms.anonymize.search import anonymize_search

SEX = Hierarchy("sex", [{"M": "M", "F": "F"}, {"M": "*", "F": "*"}])
AGE = Hierarchy("age", [{"16": "16", "18": "18"}, {"16": "<20", "18": "<20"}])
FRAME = pl.DataFrame({"sex": ["M", "F", "F"], "age": ["16", "18", "18"]})


def test_k_larger_than_the_rows():
    with pytest.raises(AnonymizationError, match=r"k=5 .* 3 rows"):
        anonymize_search(FRAME, {"sex": SEX}, [KAnonymity(5)], 0.0)


def test_k_larger_than_the_rows_is_fine_if_all_may_go():
    result = anonymize_search(FRAME, {"sex": SEX}, [KAnonymity(5)], 1.0)
    assert result.suppressed == 3
    assert result.classes == 0


def test_unknown_column():
    with pytest.raises(AnonymizationError, match="quasi-identifier 'zip' is not a column"):
        anonymize_search(FRAME, {"zip": SEX}, [KAnonymity(2)])


def test_hierarchy_missing_a_value():
    frame = FRAME.with_columns(pl.Series("age", ["16", "17", "18"]))
    with pytest.raises(
        AnonymizationError, match="hierarchy for 'age' has no entry for value '17'; add a row"
    ):
        anonymize_search(frame, {"age": AGE}, [KAnonymity(2)])


def test_null_value_is_reported():
    frame = FRAME.with_columns(pl.Series("age", ["16", None, "18"]))
    with pytest.raises(AnonymizationError, match="'null'"):
        apply_node(frame, {"age": AGE}, {"age": 1}, k=2)


def test_no_node_meets_the_model():
    flat = Hierarchy("sex", [{"M": "M", "F": "F"}])
    with pytest.raises(AnonymizationError, match="raise the suppression limit"):
        anonymize_search(FRAME, {"sex": flat}, [KAnonymity(2)], 0.0)


def test_bad_parameters():
    with pytest.raises(AnonymizationError, match="k must be at least 1"):
        KAnonymity(0)
    with pytest.raises(AnonymizationError, match=r"within 0\.\.1"):
        max_suppressed(5, 100)
    with pytest.raises(AnonymizationError, match="no quasi-identifiers"):
        anonymize_search(FRAME, {}, [KAnonymity(2)])
    with pytest.raises(AnonymizationError, match=r"level for 'sex' must be within 0..1, got 3"):
        apply_node(FRAME, {"sex": SEX}, {"sex": 3}, k=1)


def test_empty_frame():
    with pytest.raises(AnonymizationError, match="no rows"):
        anonymize_search(FRAME.head(0), {"sex": SEX}, [KAnonymity(2)])
