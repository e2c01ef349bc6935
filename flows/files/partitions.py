"""Partitions of a delivered file, for an engine that reads one file on several workers.

A Parquet file is split into row ranges, on row-group boundaries when it has enough row groups.
A CSV file is split into byte ranges that start on a record's first line: where a line break
lies outside every quoted value, found by following the quotes as the parser reads them (a
quote opens a value only at the start of a field, a doubled quote inside one is a quote). Each
CSV partition knows the physical line it starts on, so rejected rows keep their line numbers.
A file whose quote is left open is not split after that quote.
"""

from __future__ import annotations

import itertools
import mmap
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

COUNT_BYTES = 1 << 24


@dataclass(frozen=True)
class Partition:
    """One part of a file: bytes [start, stop) of a CSV, or rows [start, stop) of a Parquet
    file; `first` is the physical line of a CSV part's first data line, or the row number
    (from 1) of a Parquet part's first row."""

    index: int
    start: int
    stop: int
    first: int

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"


def parquet_partitions(source: Path, parts: int) -> list[Partition]:
    """Row ranges of about equal size: whole row groups when there are at least `parts` of them,
    else even slices of the rows (never an empty part)."""
    meta = pq.read_metadata(source)
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    total = sum(sizes)
    if len(sizes) >= parts:
        edges, upto = [0], 0
        for size in sizes[:-1]:
            upto += size
            if upto >= total * len(edges) / parts and len(edges) < parts:
                edges.append(upto)
        edges.append(total)
    else:
        edges = sorted({total * k // parts for k in range(parts + 1)})
    edges = sorted(set(edges)) if total else [0, 0]
    spans = itertools.pairwise(edges)
    return [Partition(i, a, b, a + 1) for i, (a, b) in enumerate(spans)]


def csv_partitions(source: Path, delimiter: str, quoted: bool, parts: int) -> list[Partition]:
    """Byte ranges after the header line, each starting where a record starts, with its first
    line; a file of a header alone is one empty part."""
    size = source.stat().st_size
    with source.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        header_end = mm.find(b"\n") + 1 or size
        body = size - header_end
        targets = [header_end + body * k // parts for k in range(1, parts)]
        starts = [header_end]
        walker = _Quotes(mm, delimiter.encode(), header_end, quoted)
        for target in targets:
            start = walker.record_start(max(target, starts[-1] + 1))
            if start is None:  # a quote left open: the rest is one part
                break
            if start < size:
                starts.append(start)
        stops = [*starts[1:], size]
        firsts, line, counted = [], 2, header_end
        for start in starts:
            line += _newlines(mm, counted, start)
            counted = start
            firsts.append(line)
    return [
        Partition(i, a, b, first)
        for i, (a, b, first) in enumerate(zip(starts, stops, firsts, strict=True))
    ]


class _Quotes:
    """Follows a CSV's quoted values from a record start, as pyarrow's parser reads them."""

    def __init__(self, mm: mmap.mmap, delimiter: bytes, start: int, quoted: bool) -> None:
        self.mm, self.delimiter, self.pos, self.quoted = mm, delimiter, start, quoted
        self.starts = (delimiter, b"\n", b"\r")

    def record_start(self, target: int) -> int | None:
        """The first position at or after `target` just after a line break outside quotes
        (the file's size when there is none), or None when a quote is never closed."""
        if not self.quoted:
            found = self.mm.find(b"\n", target)
            return len(self.mm) if found < 0 else found + 1
        if not self._advance(target):
            return None
        while True:
            newline = self.mm.find(b"\n", self.pos)
            if newline < 0:
                return len(self.mm)
            quote = self.mm.find(b'"', self.pos, newline)
            if quote < 0:
                self.pos = newline + 1
                return self.pos
            if not self._skip(quote):
                return None

    def _advance(self, target: int) -> bool:
        """Walk the quotes up to `target`; False when one is left open."""
        while self.pos < target:
            quote = self.mm.find(b'"', self.pos, target)
            if quote < 0:
                self.pos = target
                return True
            if not self._skip(quote):
                return False
        return True

    def _skip(self, quote: int) -> bool:
        """Move past the quote at `quote`: past its value's closing quote when it opens one
        (at the start of a field), else past the quote itself (a literal)."""
        if quote > 0 and self.mm[quote - 1 : quote] not in self.starts:
            self.pos = quote + 1
            return True
        at = quote + 1
        while True:
            close = self.mm.find(b'"', at)
            if close < 0:
                return False
            if self.mm[close + 1 : close + 2] == b'"':
                at = close + 2
                continue
            self.pos = close + 1
            return True


def _newlines(mm: mmap.mmap, start: int, stop: int) -> int:
    """Line breaks in bytes [start, stop), counted in slices of 16 MB."""
    return sum(
        mm[a : min(a + COUNT_BYTES, stop)].count(b"\n") for a in range(start, stop, COUNT_BYTES)
    )
