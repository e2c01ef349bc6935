"""`sluice classify`: read a sample of a file as delivered and classify every column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from flows.errors import BuildError
from flows.ingest import detect_encoding, read_header, require_file
from transforms.classify import classify_frame


def read_sample(path: Path, rows: int, *, delimiter: str = ",") -> pl.DataFrame:
    """The first `rows` rows as strings (CSV in UTF-8 or GBK, or Parquet); reading a head keeps
    the cost the same for a file of ten million rows as for one of a hundred thousand."""
    require_file(path)
    if path.suffix.lower() == ".parquet":
        try:
            return pl.scan_parquet(path).head(rows).collect()
        except (pl.exceptions.ComputeError, OSError) as exc:
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
    return pl.from_arrow(table).head(rows)


def classify_file(path: Path, *, sample_rows: int = 5000) -> dict[str, Any]:
    """The classification of a file's columns, named after the file."""
    frame = read_sample(path, sample_rows)
    return classify_frame(frame, resource=path.stem, sample_rows=sample_rows)
