"""One streaming pass over a delivered file, before it is parsed: its content hash and the
physical facts that tell a CSV from a damaged one (how many lines, the first NUL byte, the first
line too long to be a row). The parser's record count is checked against the line count later,
so a quote left open cannot swallow the rest of the file unnoticed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK_BYTES = 1 << 22
MAX_LINE_BYTES = 1 << 20
"""The longest physical line a row may take (1 MB): a value that long is a document or binary
data pasted into a cell, or a quote left open."""


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes of a file shows."""

    sha256: str
    quoted: bool
    """The file has a double quote somewhere (else no value can span lines)."""
    lines: int
    """Physical lines: newline bytes, plus one for a last line without a newline."""
    nul_line: int | None
    """The first line holding a NUL byte."""
    long_line: tuple[int, int] | None
    """The first line longer than MAX_LINE_BYTES, and its length in bytes."""
    delimiters: int = 0
    """Delimiter bytes in the whole file (header included)."""
    bare_cr: int = 0
    """Carriage returns not followed by a line feed (a line break to some parsers)."""


def scan(path: Path, max_line: int = MAX_LINE_BYTES, delimiter: bytes = b",") -> FileFacts:
    """Hash the file and count its lines in one pass of 4 MB chunks (no decoding, no loop over
    lines in Python)."""
    digest = hashlib.sha256()
    quoted, newlines, nul_line, long_line = False, 0, None, None
    delimiters, bare_cr = 0, 0
    offset, line_start, last = 0, 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            quoted = quoted or b'"' in chunk
            delimiters += chunk.count(delimiter)
            if b"\r" in chunk or last == b"\r":
                bare_cr += _bare_cr(last + chunk)
            if nul_line is None and (at := chunk.find(b"\0")) >= 0:
                nul_line = newlines + chunk.count(b"\n", 0, at) + 1
            ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == ord("\n")) + offset
            if long_line is None:
                long_line = _first_long(ends, line_start, newlines, max_line)
            if ends.size:
                line_start = int(ends[-1]) + 1
            newlines += int(ends.size)
            offset += len(chunk)
            last = chunk[-1:]
    if long_line is None and offset - line_start > max_line:
        long_line = (newlines + 1, offset - line_start)
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    bare_cr += last == b"\r"
    facts = FileFacts(digest.hexdigest(), quoted, lines, nul_line, long_line, delimiters, bare_cr)
    return facts


def _bare_cr(data: bytes) -> int:
    """Carriage returns followed by a byte other than a line feed (one ending `data` is
    left to the next chunk)."""
    return data.count(b"\r") - data.count(b"\r\n") - data.endswith(b"\r")


def _first_long(
    ends: np.ndarray, line_start: int, before: int, max_line: int
) -> tuple[int, int] | None:
    """The first line ending in this chunk that is longer than `max_line` bytes."""
    if not ends.size:
        return None
    starts = np.concatenate(([line_start], ends[:-1] + 1))
    over = np.flatnonzero(ends - starts > max_line)
    if not over.size:
        return None
    first = int(over[0])
    return before + first + 1, int(ends[first] - starts[first])
