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

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from flows.errors import BuildError
from governance.policy.resource import Resource
from transforms.validation import LINE

SAMPLE_BYTES = 1 << 20
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

    def scan(self) -> pl.LazyFrame:
        """The staged rows, lazily."""
        return pl.scan_parquet(self.path)


def file_sha256(path: Path) -> str:
    """Content hash of an input file, recorded in manifests for traceability."""
    return _read_facts(path)[0]


def _read_facts(path: Path) -> tuple[str, bool]:
    """Content hash, and whether the file has any double quote (without one, no value can
    span lines, so line numbers need no newline counting)."""
    digest = hashlib.sha256()
    quoted = False
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
            quoted = quoted or b'"' in chunk
    return digest.hexdigest(), quoted


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM) when the first megabyte decodes as UTF-8, else gb18030
    (a superset of GBK, which real department exports use)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise BuildError(f"{path}: neither UTF-8 nor GBK/GB18030; set resource.encoding in the policy")


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
    sha, quoted = _read_facts(source)
    if resource.format == "parquet":
        return _stage_parquet(source, sha, columns)
    return _stage_csv(resource, source, sha, columns, work, quoted=quoted)


def _stage_parquet(source: Path, sha: str, columns: list[str]) -> Staged:
    _check_header(source, _parquet_columns(source), columns)
    meta = pq.read_metadata(source)
    empty = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return Staged(source, sha, None, source, meta.num_rows, empty)


def _stage_csv(
    resource: Resource, source: Path, sha: str, columns: list[str], work: Path, *, quoted: bool
) -> Staged:
    encoding = detect_encoding(source) if resource.encoding == "auto" else resource.encoding
    header = read_header(source, encoding, resource.delimiter)
    _check_header(source, header, columns)
    rejected: list[tuple[int, str, str]] = []

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
        block_size=1 << 23,
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
    work.mkdir(parents=True, exist_ok=True)
    # Plain Parquet (no compression, dictionaries or statistics): encoding them cost more than
    # parsing the CSV itself, and this file lives only for the build.
    out = work / f"{resource.id}.staged.parquet"
    lines = _LineCounter(quoted)
    rows = 0
    try:
        reader = pacsv.open_csv(source, reader_opts, parse_opts, convert_opts)
        schema = reader.schema.append(pa.field(LINE, pa.int64()))
        plain = {"compression": "none", "use_dictionary": False, "write_statistics": False}
        with pq.ParquetWriter(out, schema, **plain) as writer:
            for batch in reader:
                line = lines.assign(batch, rejected)
                writer.write_batch(batch.append_column(LINE, pa.array(line, pa.int64())))
                rows += batch.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        msg = str(exc).splitlines()[0]
        raise BuildError(
            f"{source}: cannot read as {encoding} CSV ({msg}); check resource.encoding "
            "and resource.delimiter in the policy"
        ) from None
    lines.finish(rejected)
    bad = [(lines.line_of(n), "parse", reason, text) for n, reason, text in rejected if reason]
    frame = pl.DataFrame(bad, schema=QUARANTINE_SCHEMA, orient="row")
    return Staged(source, sha, encoding, out, rows, frame)


class _LineCounter:
    """Maps pyarrow record numbers to physical line numbers, counting newlines inside quoted
    values, and numbers the valid records (pyarrow skips invalid ones without a number)."""

    def __init__(self, quoted: bool = True) -> None:
        self.quoted = quoted
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
        return lines_all[numbers - start]

    def finish(self, rejected: list[tuple[int, str, str]]) -> None:
        """Place invalid records that came after the last valid one."""
        for n, _, text in sorted(rejected):
            if n not in self.invalid_lines:
                self.invalid_lines[n] = n + self.extra
                self.extra += text.count("\n")

    def line_of(self, record: int) -> int:
        return self.invalid_lines.get(record, record)


def read_header(source: Path, encoding: str, delimiter: str) -> list[str]:
    """Column names from line 1, decoded strictly so a wrong encoding is named, not garbled."""
    with source.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
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
