"""Physical line numbers of parsed records, and the count of the file's lines they account for.

pyarrow numbers records, not lines: a quoted value may hold line breaks. Counting the breaks
inside values places every row (and every rejected one) on its physical line; comparing the
lines the records account for with the lines on file shows a quote left open, which swallows
the rest of the file into one rejected record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Rejected = list[tuple[int, str, str]]
"""Records pyarrow could not split into the header's fields: (record number, reason, text);
blank lines come with an empty reason."""


class LineCounter:
    """Maps pyarrow record numbers to physical line numbers, counting newlines inside quoted
    values, and numbers the valid records (pyarrow skips invalid ones without a number).

    A part of a file, read behind its header, starts on line `offset + 2`."""

    def __init__(self, quoted: bool = True, offset: int = 0) -> None:
        self.quoted = quoted
        self.offset = offset
        self.next_record = 2  # record 1 is the header
        self.extra = 0  # newlines inside values seen so far
        self.invalid_lines: dict[int, int] = {}

    def assign(self, batch: pa.RecordBatch, rejected: list[tuple[int, str, str]]) -> np.ndarray:
        """Physical line of every row of `batch`, vectorised (no loop over rows)."""
        pending = {n: t.count("\n") for n, _, t in rejected if n not in self.invalid_lines}
        skip = np.array(sorted(pending), dtype=np.int64)
        start = self.next_record
        candidates = np.arange(start, start + batch.num_rows + len(skip), dtype=np.int64)
        numbers = candidates[~np.isin(candidates, skip)][: batch.num_rows]
        end = int(numbers[-1]) + 1 if batch.num_rows else start
        newlines = np.zeros(end - start, dtype=np.int64)
        for column in batch.columns if self.quoted else ():
            counted = pc.count_substring(column, "\n").fill_null(0)
            newlines[numbers - start] += counted.to_numpy(zero_copy_only=False)
        inside = [n for n in skip.tolist() if n < end]
        for n in inside:
            newlines[n - start] = pending[n]
        before = self.extra + np.concatenate(([0], np.cumsum(newlines)[:-1]))
        lines_all = np.arange(start, end, dtype=np.int64) + before
        for n in inside:
            self.invalid_lines[n] = int(lines_all[n - start])
        self.extra += int(newlines.sum())
        self.next_record = end
        return lines_all[numbers - start] + self.offset

    def finish(self, rejected: list[tuple[int, str, str]]) -> None:
        """Place invalid records that came after the last valid one."""
        for n, _, text in sorted(rejected):
            if n not in self.invalid_lines:
                self.invalid_lines[n] = n + self.extra
                self.extra += text.count("\n")

    def line_of(self, record: int) -> int:
        return self.invalid_lines.get(record, record) + self.offset


@dataclass(frozen=True)
class LineAccount:
    """The data lines on file (header excluded) against the lines the parsed records account
    for, and the rejected record that spans the most lines (its first line, its span)."""

    lines: int
    read: int
    widest: tuple[int, int] | None = None

    @property
    def unread(self) -> int:
        """Lines inside rejected records beyond their first: what a quote left open swallows."""
        return max(self.lines - self.read, 0)


def account(lines: int, rows: int, rejected: Rejected, counter: LineCounter) -> LineAccount:
    """Compare `lines` data lines on file with what `rows` parsed records and the `rejected`
    ones take: a parsed record takes one line plus the breaks inside its values, a rejected one
    is counted as one line (whatever it swallowed is what the comparison is to show)."""
    inside_rejected = sum(text.count("\n") for _, _, text in rejected)
    read = rows + len(rejected) + counter.extra - inside_rejected
    spans = [(text.count("\n"), -counter.line_of(n)) for n, reason, text in rejected if reason]
    span, line = max(spans, default=(0, 0))
    return LineAccount(lines, read, (-line, span) if span else None)
