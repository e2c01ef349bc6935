"""Ingest of damaged files: NUL bytes, overlong lines and values, mixed encodings get an error
naming the file and the line; the lines a file holds are checked against what the parser read,
so a quote left open shows, and legitimately quoted line breaks do not."""

from __future__ import annotations

import re

import pytest

from flows.errors import BuildError
from flows.files.ingest import stage
from flows.files.scan import scan
from governance.policy.resource import Resource

COLUMNS = ["name", "age", "note"]


def resource(**kw) -> Resource:
    base = dict(
        id="r", title="t", department="d", source="x", format="csv", update_frequency="once"
    )
    return Resource(**{**base, **kw})


def write(tmp_path, content: bytes):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    return path


def rows(n: int) -> list[str]:
    return [f"n{i},{20 + i % 50},ok" for i in range(n)]


def csv(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(["name,age,note", *lines]) + end).encode()


def staged(tmp_path, content: bytes, **kw):
    return stage(resource(**kw), write(tmp_path, content), COLUMNS, tmp_path / "work")


def test_scan_counts_lines_and_finds_the_first_nul_and_long_line(tmp_path):
    path = write(tmp_path, b"a\nb\x00\nc\n" + b"x" * 50 + b"\nd")
    facts = scan(path, max_line=40)
    assert (facts.lines, facts.nul_line, facts.long_line) == (5, 2, (4, 50))
    assert scan(write(tmp_path, b"")).lines == 0
    assert scan(write(tmp_path, b"a\n")).lines == 1


def test_quoted_line_breaks_are_accounted_for(tmp_path):
    lines = rows(30)
    lines[4] = 'n4,24,"two\nlines"'
    lines[9] = 'n9,29,"three\r\nshort\nlines"'
    for end in ("\n", "\r\n"):
        s = staged(tmp_path, csv(lines, end))
        assert s.lines is not None and s.lines.unread == 0 and s.lines.lines == 33
        assert s.rows == 30 and s.rejected.is_empty()


def test_a_quote_left_open_is_found_with_its_line(tmp_path):
    lines = rows(200)
    lines[6] = 'n6,"26,ok'  # physical line 8
    s = staged(tmp_path, csv(lines))
    assert s.rows == 6 and s.rejected["line"].to_list() == [8]
    assert s.lines is not None and s.lines.unread == 193 and s.lines.widest == (8, 193)


def test_a_header_alone_stages_no_rows(tmp_path):
    for content in (b"name,age,note", b"name,age,note\n"):
        s = staged(tmp_path, content)
        assert s.rows == 0 and s.scan().collect().height == 0


def test_nul_bytes_are_named_by_line(tmp_path):
    lines = rows(10)
    lines[3] = "n3,2\x003,ok"
    with pytest.raises(BuildError, match=r"in\.csv: line 5 holds a NUL byte .*tr -d"):
        staged(tmp_path, csv(lines))


def test_an_overlong_line_is_named_before_parsing(tmp_path):
    lines = rows(10)
    lines[2] = "n2,22," + "x" * (3 << 20)
    with pytest.raises(BuildError, match=re.escape("line 4 is 3.0 MB long, above the 1 MB")):
        staged(tmp_path, csv(lines))


def test_a_huge_quoted_value_in_short_lines_is_named(tmp_path):
    lines = rows(10)
    lines[2] = 'n2,22,"' + ("y" * 99 + "\n") * 20_000 + '"'
    with pytest.raises(
        BuildError, match=re.escape("line 4 starts a value of 1.9 MB in column 'note'")
    ):
        staged(tmp_path, csv(lines))


def test_utf8_lines_in_a_gbk_file_are_named(tmp_path):
    content = "name,age,note\n张三,20,好\n李四,30,好\n".encode("gbk") + "张伟,40,x\n".encode()
    with pytest.raises(BuildError, match="line 4 is UTF-8 while the lines before it are GBK"):
        staged(tmp_path, content)


def test_gbk_lines_after_the_utf8_sample_are_named(tmp_path):
    ascii_rows = "\n".join(rows(150_000))  # past the megabyte detection reads
    content = f"name,age,note\n{ascii_rows}\n中文,1,x\n".encode() + "张三,20,好\n".encode("gbk")
    with pytest.raises(BuildError, match="line 150003 is not valid utf-8 while the lines before"):
        staged(tmp_path, content)


def test_a_mixed_sample_names_a_line_of_each_encoding(tmp_path):
    content = "name,age,note\n张三,20,好\n".encode("gbk") + "患者,40,x\n".encode()
    with pytest.raises(BuildError, match="line 2 is not valid UTF-8 and line 3 is not valid GBK"):
        staged(tmp_path, content)


def test_a_valid_gbk_file_is_not_taken_for_mixed(tmp_path):
    lines = [f"{name},{20 + i % 50},好" for i, name in enumerate(["张三", "李四", "王五"] * 50)]
    s = staged(tmp_path, csv(lines).decode().encode("gbk"))
    assert s.encoding == "gb18030" and s.rows == 150
