"""Ingest (接入): read a resource as delivered into a staged, all-string Parquet inside the domain.

CSV in UTF-8 or GBK/GB18030 (declared or detected) and Parquet. Rows that cannot be parsed are
kept with their physical line number and the reason; nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from flows.errors import BuildError
from flows.files.csv_fast import stage_plain_csv
from flows.files.encodings import (
    GBK,
    detect_encoding,
    first_undecodable_line,
    first_utf8_line,
    mixed_encoding_error,
    nul_error,
    refuse_nul,
)
from flows.files.lines import LineAccount, LineCounter, Rejected, account
from flows.files.scan import MAX_LINE_BYTES, FileFacts, scan
from governance.policy.resource import Resource
from transforms.validation import LINE

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 1 << 23
QUARANTINE_SCHEMA = {"line": pl.Int64, "stage": pl.String, "reason": pl.String, "raw": pl.String}


@dataclass(frozen=True)
class Staged:
    """A resource read into the domain: where its rows are and what could not be read."""

    source: Path
    sha256: str
    encoding: str | None
    path: Path
    rows: int
    rejected: pl.DataFrame
    lines: LineAccount | None = None
    """The file's data lines against the lines the parsed records account for (CSV only)."""

    def scan(self) -> pl.LazyFrame:
        """The staged rows, lazily."""
        return pl.scan_parquet(self.path)


def file_sha256(path: Path) -> str:
    """Content hash of an input file, recorded in manifests for traceability."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def stage_header_check(resource: Resource, source: Path, columns: list[str]) -> None:
    """Fail fast when the file is missing, empty, unreadable or its columns differ from the
    policy's; reads only the header."""
    require_file(source, f"source file of resource '{resource.id}'")
    if resource.format == "parquet":
        _check_header(source, _parquet_columns(source), columns)
    else:
        encoding = detect_encoding(source) if resource.encoding == "auto" else resource.encoding
        _check_header(source, read_header(source, encoding, resource.delimiter), columns)


def require_file(source: Path, what: str = "file") -> None:
    """A readable, non-empty file, or an error saying which and why."""
    if source.is_dir():
        raise BuildError(f"{source}: is a folder; give the {what} inside it")
    if not source.is_file():
        raise BuildError(f"{source}: {what} not found")
    if source.stat().st_size == 0:
        raise BuildError(f"{source}: the file is empty (expected a header row and data)")


def _parquet_columns(source: Path) -> list[str]:
    try:
        return pq.read_schema(source).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise BuildError(f"{source}: not a readable Parquet file ({exc})") from None


def stage(resource: Resource, source: Path, columns: list[str], work: Path) -> Staged:
    """Read the source into work/ (CSV) or check it in place (Parquet)."""
    require_file(source, f"source file of resource '{resource.id}'")
    if resource.format == "parquet":
        return _stage_parquet(source, file_sha256(source), columns)
    facts, encoding, header = inspect_csv(resource, source, columns)
    return _stage_csv(resource, source, facts, encoding, header, work)


def inspect_csv(
    resource: Resource, source: Path, columns: list[str]
) -> tuple[FileFacts, str, list[str]]:
    """One pass over a CSV before it is parsed: its facts (damage refused by line), its
    encoding, and its header, checked against the policy's columns."""
    facts = scan(source, delimiter=resource.delimiter.encode())
    _refuse_damage(source, facts)
    encoding = detect_encoding(source) if resource.encoding == "auto" else resource.encoding
    if encoding in GBK and (line := first_utf8_line(source)) is not None:
        raise mixed_encoding_error(source, line, "UTF-8", "GBK")
    header = read_header(source, encoding, resource.delimiter)
    _check_header(source, header, columns)
    return facts, encoding, header


def _refuse_damage(source: Path, facts: FileFacts) -> None:
    """NUL bytes and overlong lines are named before parsing, by their line."""
    if facts.nul_line is not None:
        raise nul_error(source, facts.nul_line)
    if facts.long_line is not None:
        line, size = facts.long_line
        raise BuildError(
            f"{source}: line {line} is {size / (1 << 20):.1f} MB long, above the "
            f"{MAX_LINE_BYTES >> 20} MB a row may take (a document or binary data pasted into "
            "a cell, or a quote left open); remove the value from the source"
        )


def _stage_parquet(source: Path, sha: str, columns: list[str]) -> Staged:
    _check_header(source, _parquet_columns(source), columns)
    meta = pq.read_metadata(source)
    empty = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return Staged(source, sha, None, source, meta.num_rows, empty)


def _stage_csv(
    resource: Resource,
    source: Path,
    facts: FileFacts,
    encoding: str,
    header: list[str],
    work: Path,
) -> Staged:
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"{resource.id}.staged.parquet"
    empty = facts.lines <= 1  # a header alone, perhaps without its newline: no rows to parse
    plain = stage_plain_csv(source, facts, encoding, resource.delimiter, header, out)
    if plain is not None:
        read = CsvRead(plain, [], LineCounter(quoted=False))
    else:
        read = read_csv_rows(source, source, resource, encoding, header, facts.quoted, out, empty)
    counted = account(max(facts.lines - 1, 0), read.rows, read.rejected, read.lines)
    return Staged(source, facts.sha256, encoding, out, read.rows, read.quarantine(), counted)


@dataclass(frozen=True)
class CsvRead:
    """Rows of a CSV (or a part of one) written to a staged Parquet file, and the records the
    parser rejected, placed on their physical lines by `lines`."""

    rows: int
    rejected: Rejected
    lines: LineCounter

    def quarantine(self) -> pl.DataFrame:
        """The rejected records with their line and reason (blank lines are not rows)."""
        line_of = self.lines.line_of
        bad = [(line_of(n), "parse", reason, text) for n, reason, text in self.rejected if reason]
        return pl.DataFrame(bad, schema=QUARANTINE_SCHEMA, orient="row")


def read_csv_rows(
    data: Path | BinaryIO,
    source: Path,
    resource: Resource,
    encoding: str,
    header: list[str],
    quoted: bool,
    out: Path,
    empty: bool = False,
    offset: int = 0,
) -> CsvRead:
    """Parse `data` (the file, or a part of it behind its header line, whose first data line
    is line `offset + 2` of `source`) into `out`, every row with its physical line."""
    rejected: Rejected = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if row.text.strip():
            reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            rejected.append((row.number, reason, row.text))
        else:
            rejected.append((row.number, "", ""))
        return "skip"

    reader_opts = pacsv.ReadOptions(
        encoding="utf8" if encoding == "utf-8" else encoding,
        use_threads=False,
        block_size=BLOCK_BYTES,
    )
    parse_opts = pacsv.ParseOptions(
        delimiter=resource.delimiter,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    convert_opts = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=True,
        null_values=[""],
    )
    # Plain Parquet (no compression, dictionaries or statistics): encoding them cost more than
    # parsing the CSV itself, and this file lives only for the build.
    lines = LineCounter(quoted, offset)
    rows = 0
    plain = {"compression": "none", "use_dictionary": False, "write_statistics": False}
    try:
        if empty:
            schema = pa.schema([(name, pa.string()) for name in header] + [(LINE, pa.int64())])
            pq.write_table(schema.empty_table(), out, **plain)
        else:
            reader = pacsv.open_csv(data, reader_opts, parse_opts, convert_opts)
            schema = reader.schema.append(pa.field(LINE, pa.int64()))
            with pq.ParquetWriter(out, schema, **plain) as writer:
                for batch in reader:
                    line = lines.assign(batch, rejected)
                    if quoted:  # else a value is never longer than its line
                        _refuse_huge_values(source, batch, line)
                    writer.write_batch(batch.append_column(LINE, pa.array(line, pa.int64())))
                    rows += batch.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _unreadable(source, encoding, exc) from None
    lines.finish(rejected)
    return CsvRead(rows, rejected, lines)


def _refuse_huge_values(source: Path, batch: pa.RecordBatch, lines: np.ndarray) -> None:
    """A quoted value may span many short lines; it may still not exceed MAX_LINE_BYTES."""
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        sizes = pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False)
        over = np.flatnonzero(sizes > MAX_LINE_BYTES)
        if over.size:
            first = int(over[0])
            raise BuildError(
                f"{source}: line {int(lines[first])} starts a value of "
                f"{sizes[first] / (1 << 20):.1f} MB in column '{name}', above the "
                f"{MAX_LINE_BYTES >> 20} MB a value may take (a document or binary data in a "
                "cell, or a quote left open); remove it from the source"
            )


def _unreadable(source: Path, encoding: str, exc: Exception) -> BuildError:
    """Why pyarrow stopped, in the user's terms: a line in another encoding, or else its own
    words."""
    msg = str(exc).splitlines()[0]
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in msg:
        line = first_undecodable_line(source, encoding)
        if line is not None:
            return mixed_encoding_error(source, line, f"not valid {encoding}", encoding)
    return BuildError(
        f"{source}: cannot read as {encoding} CSV ({msg}); check resource.encoding "
        "and resource.delimiter in the policy"
    )


def read_header(source: Path, encoding: str, delimiter: str) -> list[str]:
    """Column names from line 1, decoded strictly so a wrong encoding is named, not garbled."""
    with source.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    refuse_nul(source, head)
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head[: exc.start].count(b"\n") + 1
        raise BuildError(
            f"{source}: line {line} is not valid {encoding}; set resource.encoding in the policy "
            "(utf-8, gbk or gb18030) or leave it 'auto'"
        ) from None
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    header = [h.strip() for h in first]
    if not any(header):
        raise BuildError(f"{source}: line 1 is empty; expected a header row naming the columns")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise BuildError(f"{source}: line 1 names column(s) twice: {', '.join(dupes)}")
    return header


def _check_header(source: Path, header: list[str], declared: list[str]) -> None:
    missing = [c for c in declared if c not in header]
    extra = [c for c in header if c not in declared]
    problems = []
    if missing:
        problems.append(f"columns declared in the policy but not in the file: {', '.join(missing)}")
    if extra:
        problems.append(
            f"columns in the file but not declared in the policy: {', '.join(extra)} "
            "(declare each with a category and a treatment, e.g. 'treatment: {operator: drop}')"
        )
    if problems:
        raise BuildError(f"{source}: " + "; ".join(problems))
