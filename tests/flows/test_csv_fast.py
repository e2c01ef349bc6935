"""The fast CSV reader stages exactly what the exact reader stages: the same rows, values,
physical lines, rejected rows and line account, on every file, or it leaves the file alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.errors import BuildError
from flows.files.csv_fast import stage_plain_csv
from flows.files.encodings import detect_encoding
from flows.files.ingest import inspect_csv, read_csv_rows, read_header, stage
from flows.files.lines import account
from governance.policy.resource import Resource
from sample_data.generate import generate
from tests.reliability.corpus.cases import CONTROLS, DATA


def resource(delimiter: str = ",") -> Resource:
    return Resource(
        id="r", title="t", department="d", source="x", format="csv", update_frequency="once",
        delimiter=delimiter,
    )  # fmt: skip


def exact(res: Resource, path: Path, work: Path):
    """What the exact reader alone stages: rows, rejected rows, line account."""
    header = read_header(path, detect_encoding(path), res.delimiter)
    facts, encoding, header = inspect_csv(res, path, header)
    out = work / "exact.parquet"
    read = read_csv_rows(path, path, res, encoding, header, facts.quoted, out, facts.lines <= 1)
    counted = account(max(facts.lines - 1, 0), read.rows, read.rejected, read.lines)
    return pl.read_parquet(out), read.quarantine(), counted


def same_staging(path: Path, work: Path, delimiter: str = ",") -> bool:
    """Stage `path` both ways and compare; True when the fast reader took the file."""
    work.mkdir(parents=True, exist_ok=True)
    res = resource(delimiter)
    try:
        rows, rejected, counted = exact(res, path, work)
    except BuildError as exc:
        with pytest.raises(BuildError) as fast_exc:
            stage(res, path, read_header(path, detect_encoding(path), delimiter), work)
        assert str(fast_exc.value) == str(exc)
        return False
    header = rows.columns[:-1]
    staged = stage(res, path, header, work)
    assert staged.scan().collect().equals(rows), path
    assert staged.rejected.equals(rejected) and staged.lines == counted
    facts, encoding, _ = inspect_csv(res, path, header)
    return stage_plain_csv(path, facts, encoding, delimiter, header, work / "f.parquet") is not None


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, rows=2000)
    return folder


def test_sample_resources_stage_the_same(sample, tmp_path):
    taken = {p.name: same_staging(p, tmp_path / p.stem) for p in sorted(sample.rglob("*.csv"))}
    assert taken["enterprise_registry.csv"] and taken["hotline_tickets.csv"]
    assert not taken["social_insurance.csv"]  # GBK, with malformed rows: the exact reader


@pytest.mark.parametrize(
    "case",
    [c for c in DATA + CONTROLS if c.raw is not None and not isinstance(c.raw, str)],
    ids=lambda c: c.name,
)
def test_bad_input_corpus_stages_the_same(case, tmp_path):
    path = tmp_path / "visits.csv"
    path.write_bytes(case.raw_bytes())
    try:
        read_header(path, detect_encoding(path), ",")
    except BuildError:
        return  # refused from the header, before either reader
    same_staging(path, tmp_path / "work")


@pytest.mark.parametrize(
    ("name", "data", "taken"),
    [
        ("plain", b"a,b\n1,2\n3,\n,4\n", True),
        ("crlf", b"a,b\r\n1,2\r\n3,\r\n,\r\n", True),
        ("no_final_newline", b"a,b\n1,2\n3,4", True),
        ("bom", b"\xef\xbb\xbfa,b\n1,2\n", True),
        ("blank_line", b"a,b\n1,2\n\n3,4\n", False),
        ("spaces_line", b"a,b\n1,2\n  \n3,4\n", False),
        ("short_row", b"a,b\n1,2\n3\n4,5\n", False),
        ("long_row", b"a,b\n1,2\n3,4,5\n6,7\n", False),
        ("short_and_long", b"a,b\n1,2,9\n3\n6,7\n", False),
        ("bare_cr", b"a,b\n1,2\r3,4\n", False),
        ("quoted", b'a,b\n"1\n2",3\n4,5\n', False),
        ("not_utf8", b"a,b\n1,\xff\n", False),
    ],
)
def test_edge_files(name, data, taken, tmp_path):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    assert same_staging(path, tmp_path / "work") is taken


def test_other_delimiter(tmp_path):
    path = tmp_path / "tab.csv"
    path.write_bytes(b"a\tb\n1,5\t2\n3\t\n")
    assert same_staging(path, tmp_path / "work", "\t")


def fresh(work: Path) -> Path:
    """An empty work folder: hypothesis runs every example in the same tmp_path."""
    for old in work.glob("*") if work.exists() else ():
        old.unlink()
    return work


FIELD = st.text(alphabet='ab,"\n\r 中', max_size=4)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(FIELD, min_size=1, max_size=4), max_size=6),
    quote=st.booleans(),
    end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    last=st.booleans(),
)
def test_random_files_stage_the_same(rows, quote, end, bom, last, tmp_path):
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote and value else value

    lines = ["x,y,z", *(",".join(cell(v) for v in row) for row in rows)]
    text = end.join(lines) + (end if last else "")
    path = tmp_path / "random.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    work = fresh(tmp_path / "work")
    same_staging(path, work)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(st.text(alphabet="ab 中", max_size=3), min_size=3, max_size=3),
                  min_size=1, max_size=6),
    end=st.sampled_from(["\n", "\r\n"]),
    last=st.booleans(),
)  # fmt: skip
def test_random_plain_files_take_the_fast_path(rows, end, last, tmp_path):
    text = end.join(["x,y,z", *(",".join(row) for row in rows)]) + (end if last else "")
    path = tmp_path / "plain.csv"
    path.write_bytes(text.encode())
    work = fresh(tmp_path / "work")
    assert same_staging(path, work)
