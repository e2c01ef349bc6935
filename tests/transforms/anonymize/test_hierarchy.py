from __future__ import annotations

import pytest

from tests.conftest import ADULT_DIR as ADULT
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy, load_hierarchy, missing_values
from transforms.errors import TransformError


def write(tmp_path, text: str, newline: str = "\n"):
    path = tmp_path / "h.csv"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_load_arx_format(tmp_path, newline):
    path = write(tmp_path, "1;0-4;*\n2;0-4;*\n7;5-9;*\n", newline)
    h = load_hierarchy(path, "age")
    assert h.column == "age"
    assert h.height == 2
    assert h.values == ["1", "2", "7"]
    assert h.levels[1] == {"1": "0-4", "2": "0-4", "7": "5-9"}
    assert h.generalize("7", 2) == "*"


def test_load_adult_age():
    h = load_hierarchy(ADULT / "adult_hierarchy_age.csv", "age")
    assert h.height == 4
    assert h.generalize("39", 4) == "*"


def test_ragged_rows_name_the_row(tmp_path):
    path = write(tmp_path, "a;x;*\nb;*\n")
    with pytest.raises(AnonymizationError, match=r"'c'.*row 2 has 2 levels.*first row has 3"):
        load_hierarchy(path, "c")


def test_duplicate_value(tmp_path):
    path = write(tmp_path, "a;x;*\na;y;*\n")
    with pytest.raises(AnonymizationError, match="value 'a' appears twice"):
        load_hierarchy(path, "c")


def test_empty_file(tmp_path):
    with pytest.raises(AnonymizationError, match="empty"):
        load_hierarchy(write(tmp_path, "\n"), "c")


def test_level_need_not_follow_the_previous_one(tmp_path):
    h = load_hierarchy(write(tmp_path, "a;x;p\nb;x;q\nc;y;p\n"), "c")
    assert h.levels[2] == {"a": "p", "b": "q", "c": "p"}


def test_missing_values_lists_all_unknown_values():
    h = Hierarchy("age", [{"1": "1", "2": "2"}])
    assert missing_values(h, ["1", "17", "3", "17", None]) == ["17", "3", "null"]
    assert missing_values(h, ["2"]) == []


def test_error_is_a_transform_error():
    assert issubclass(AnonymizationError, TransformError)
    assert issubclass(AnonymizationError, ValueError)


def test_hierarchy_levels_must_cover_the_same_values():
    with pytest.raises(AnonymizationError, match="level 1"):
        Hierarchy("c", [{"a": "a", "b": "b"}, {"a": "*"}])
