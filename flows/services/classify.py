"""`sluice classify`: read a sample of a file as delivered and classify every column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from flows.errors import BuildError
from flows.files.ingest import detect_encoding, read_header, require_file
from governance.policy.models import Policy
from transforms.classify import Override, apply_overrides, classify_frame
from transforms.classify.header import header_problem
from transforms.classify.types import infer_type

SLICES = 8


def read_sample(path: Path, rows: int, *, delimiter: str = ",") -> pl.DataFrame:
    """A bounded sample, so a file of ten million rows costs what one of a hundred thousand
    does: Parquet in runs spread over the file; CSV (which cannot be entered mid-way safely:
    quoted values may hold newlines) from its head, as strings, in UTF-8 or GBK."""
    require_file(path)
    if path.suffix.lower() == ".parquet":
        try:
            return _spread_sample(path, rows)
        except (pl.exceptions.ComputeError, pa.ArrowInvalid, OSError) as exc:
            raise BuildError(f"{path}: not a readable Parquet file ({exc})") from None
    encoding = detect_encoding(path)
    header = read_header(path, encoding, delimiter)
    try:
        reader = pacsv.open_csv(
            path,
            pacsv.ReadOptions(encoding="utf8" if encoding == "utf-8" else encoding),
            pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                               invalid_row_handler=lambda row: "skip"),
            pacsv.ConvertOptions(column_types={h: pa.string() for h in header}),
        )  # fmt: skip
        batches, seen = [], 0
        for batch in reader:
            batches.append(batch)
            seen += batch.num_rows
            if seen >= rows:
                break
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot read as {encoding} CSV ({exc})") from None
    table = pa.Table.from_batches(batches, schema=reader.schema)
    if (problem := header_problem(header)) is not None:
        raise BuildError(f"{path}: {problem}")
    return pl.from_arrow(table).head(rows)


def _spread_sample(path: Path, rows: int) -> pl.DataFrame:
    """`rows` rows in SLICES runs spread evenly over a Parquet file: a file sorted by
    district or date shows all of its range, and each run reads only the row groups it
    falls in, so the cost does not grow with the file."""
    total = pq.read_metadata(path).num_rows
    scan = pl.scan_parquet(path)
    if total <= rows:
        return scan.collect()
    run = max(1, rows // SLICES)
    step = (total - run) // (SLICES - 1)
    return pl.concat([scan.slice(i * step, run).collect() for i in range(SLICES)])


def read_rows(path: Path, rows: int, *, delimiter: str = ",") -> pl.DataFrame:
    """`read_sample`, refusing a file with a header and no data: nothing to classify."""
    frame = read_sample(path, rows, delimiter=delimiter)
    if frame.height == 0:
        raise BuildError(
            f"{path}: no data rows below the header ({', '.join(frame.columns)}); "
            "a classification needs sample values"
        )
    return frame


def classify_file(path: Path, *, sample_rows: int = 5000) -> dict[str, Any]:
    """The classification of a file's columns, named after the file; columns whose sample
    values are of mixed types say so in their evidence."""
    frame = read_rows(path, sample_rows)
    result = classify_frame(frame, resource=path.stem, sample_rows=sample_rows)
    for column in result["columns"]:
        guess = infer_type(frame[column["name"]], column["entity"])
        if guess.type == "string" and guess.mixed:
            column["evidence"].append(guess.mixed)
    return result


def classify_resource(policy: Policy, path: Path, *, sample_rows: int = 5000) -> dict[str, Any]:
    """The classification of a resource's source file with the policy's word over the
    classifier's: declared category and entity, and any PI class, sensitivity, grade or
    secret mark. Each column also says whether it is secret."""
    frame = read_rows(path, sample_rows, delimiter=policy.resource.delimiter)
    found = classify_frame(frame, resource=policy.resource.id, sample_rows=sample_rows)
    overrides = {
        name: Override(
            category=col.category,
            entity=col.entity,
            pi_class=col.pi_class,
            sensitive_pi=col.sensitive_pi,
            grade=col.grade,
            secret=col.secret,
        )
        for name, col in policy.columns.items()
    }
    return apply_overrides(found, overrides)
