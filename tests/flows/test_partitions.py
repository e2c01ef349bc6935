"""Partitions of a delivered file: every row read once, on its own physical line, whatever the
quotes inside values do."""

from __future__ import annotations

import io
import random

import polars as pl
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from flows.files.ingest import read_csv_rows
from flows.files.partitions import csv_partitions, parquet_partitions
from governance.policy.resource import Resource

RESOURCE = Resource(
    id="r", title="t", department="d", source="x", format="csv", update_frequency="once"
)
PARSE = pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=lambda row: "skip")


def tricky_csv(rows: int, seed: int) -> bytes:
    """Values with line breaks, literal quotes inside unquoted fields, doubled quotes, empty
    quoted values and a short row: what splits a file in the wrong place."""
    rng = random.Random(seed)
    lines = ["id,text,note"]
    for i in range(rows):
        roll = rng.random()
        if roll < 0.05:
            lines.append(f'{i},"two\nlines {i}",z')
        elif roll < 0.1:
            lines.append(f'{i},ab"c,"say ""{i}"""')
        elif roll < 0.12:
            lines.append(f'{i},"",w')
        elif roll < 0.13:
            lines.append(f"{i},short")
        else:
            lines.append(f"{i},v{i},w")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_csv_parts_read_the_rows_of_the_whole_file(tmp_path, seed):
    data = tricky_csv(1500, seed)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    parts = csv_partitions(path, ",", True, 5)
    assert len(parts) == 5
    header = data[: data.index(b"\n") + 1]
    whole = pacsv.read_csv(path, parse_options=PARSE).to_pylist()
    split = [
        row
        for p in parts
        for row in pacsv.read_csv(io.BytesIO(header + data[p.start : p.stop]), parse_options=PARSE)
        .to_pylist()
    ]  # fmt: skip
    assert split == whole
    for p in parts:  # each part knows the physical line it starts on
        assert p.first == data[: p.start].count(b"\n") + 1


def test_csv_parts_place_rows_and_rejected_rows_on_their_lines(tmp_path):
    data = tricky_csv(900, 7)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    header = ["id", "text", "note"]
    whole = read_csv_rows(path, path, RESOURCE, "utf-8", header, True, tmp_path / "all.parquet")
    lines, quarantined = [], []
    for p in csv_partitions(path, ",", True, 4):
        body = io.BytesIO(data[: data.index(b"\n") + 1] + data[p.start : p.stop])
        out = tmp_path / f"{p.name}.parquet"
        read = read_csv_rows(body, path, RESOURCE, "utf-8", header, True, out, offset=p.first - 2)
        lines += pl.read_parquet(out)["__line"].to_list()
        quarantined.append(read.quarantine())
    assert lines == pl.read_parquet(tmp_path / "all.parquet")["__line"].to_list()
    assert pl.concat(quarantined).equals(whole.quarantine())
    assert not whole.quarantine().is_empty()


def test_a_quote_left_open_is_not_split_after_it(tmp_path):
    path = tmp_path / "x.csv"
    rows = [f"{i},v{i},w" for i in range(400)]
    rows[100] = '100,"open,w'
    path.write_bytes(("id,text,note\n" + "\n".join(rows) + "\n").encode())
    parts = csv_partitions(path, ",", True, 4)
    assert parts[-1].stop == path.stat().st_size
    assert all(p.first <= 102 for p in parts)


def test_parquet_parts_follow_row_groups_or_split_rows(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pl.DataFrame({"a": range(1000)}).to_arrow(), path, row_group_size=100)
    parts = parquet_partitions(path, 3)
    assert [(p.start, p.stop) for p in parts] == [(0, 400), (400, 700), (700, 1000)]
    one = tmp_path / "one.parquet"
    pq.write_table(pl.DataFrame({"a": range(10)}).to_arrow(), one)
    assert [(p.start, p.stop, p.first) for p in parquet_partitions(one, 3)] == [
        (0, 3, 1), (3, 6, 4), (6, 10, 7),
    ]  # fmt: skip
