"""Ingest: encodings real departments use, and malformed rows kept with line and reason."""

from __future__ import annotations

import re

import pytest

from flows.errors import BuildError
from flows.files.ingest import detect_encoding, stage, stage_header_check
from governance.policy.resource import Resource

HEADER = "姓名,区划,金额\n"


def resource(**kw) -> Resource:
    base = dict(
        id="r", title="t", department="d", source="x", format="csv", update_frequency="once"
    )
    return Resource(**{**base, **kw})


def staged_rows(path, work, **kw):
    s = stage(resource(**kw), path, ["姓名", "区划", "金额"], work)
    return s, s.scan().collect()


def test_gbk_file_is_detected_and_decoded(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "张三,330106,12.5\n李四,330102,7\n").encode("gbk"))
    assert detect_encoding(path) == "gb18030"
    s, rows = staged_rows(path, tmp_path / "work")
    assert rows["姓名"].to_list() == ["张三", "李四"]
    assert rows["__line"].to_list() == [2, 3]
    assert s.encoding == "gb18030" and s.rejected.is_empty()


def test_declared_encoding_is_used(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "王五,330106,1\n").encode("gbk"))
    _, rows = staged_rows(path, tmp_path / "work", encoding="gbk")
    assert rows["姓名"].to_list() == ["王五"]


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "赵六,330106,1\n").encode())
    s, rows = staged_rows(path, tmp_path / "work")
    assert s.encoding == "utf-8-sig" and rows.columns[0] == "姓名"


def test_malformed_rows_go_to_quarantine_with_their_physical_line(tmp_path):
    path = tmp_path / "dirty.csv"
    path.write_text(
        HEADER
        + '张三,330106,1\n"多行\n名字",330106,2\n李四,330102\n王五,330102,3,多余\n赵六,330106,4\n',
        "utf-8",
    )
    s, rows = staged_rows(path, tmp_path / "work")
    assert rows["__line"].to_list() == [2, 3, 7]
    assert rows["姓名"].to_list() == ["张三", "多行\n名字", "赵六"]
    assert s.rejected.select("line", "reason").rows() == [
        (5, "expected 3 fields, found 2"),
        (6, "expected 3 fields, found 4"),
    ]
    assert s.rejected["raw"].to_list() == ["李四,330102", "王五,330102,3,多余"]


def test_header_must_match_the_policy(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("姓名,区划,备注\n张三,330106,x\n", "utf-8")
    with pytest.raises(BuildError) as info:
        stage_header_check(resource(), path, ["姓名", "区划", "金额"])
    message = str(info.value)
    assert "declared in the policy but not in the file: 金额" in message
    assert "in the file but not declared in the policy: 备注" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "line 1 is empty"),
        (b"a,a\n1,2\n", "names column(s) twice: a"),
    ],
)
def test_unusable_files_get_clear_errors(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BuildError, match=re.escape(expected)):
        stage_header_check(resource(), path, ["a"])


def test_missing_file(tmp_path):
    with pytest.raises(BuildError, match="not found"):
        stage_header_check(resource(), tmp_path / "none.csv", ["a"])


def test_wrong_declared_encoding_is_reported_not_crashed(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(("name,district,amount\n" + "张三,330106,1\n" * 10).encode("gbk"))
    with pytest.raises(BuildError, match="line 2 is not valid utf-8"):
        stage_header_check(resource(encoding="utf-8"), path, ["name", "district", "amount"])
    ascii_rows = "zhang,330106,1\n" * 100_000  # past the sample the header check reads
    path.write_bytes(("name,district,amount\n" + ascii_rows + "张三,330106,1\n").encode("gbk"))
    with pytest.raises(BuildError, match="line 100002 is not valid utf-8 while the lines before"):
        stage(resource(encoding="utf-8"), path, ["name", "district", "amount"], tmp_path / "w")
    path.write_bytes(("姓名,区划,金额\n").encode("gbk"))
    with pytest.raises(BuildError, match="line 1 is not valid utf-8"):
        stage_header_check(resource(encoding="utf-8"), path, ["姓名", "区划", "金额"])
