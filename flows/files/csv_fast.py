"""The fast way to stage a CSV: polars' multi-threaded reader, for files whose lines are their
rows.

A file with no double quote, no carriage return outside CRLF, and exactly one delimiter fewer
than the header's columns on every line has no value spanning lines, no blank line and no row
of the wrong width: row i is line i + 2 and nothing is rejected. Any other file, or one polars
will not read, is left to the exact reader, which places every rejected row on its line.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows.files.scan import FileFacts
from transforms.validation import LINE

UTF8 = ("utf-8", "utf-8-sig")


def plain_lines(facts: FileFacts, encoding: str, delimiter: str, columns: int) -> bool:
    """Whether every physical line of the file is one row of `columns` fields."""
    return (
        encoding in UTF8
        and len(delimiter.encode()) == 1
        and columns >= 2
        and facts.lines > 1
        and not facts.quoted
        and facts.bare_cr == 0
        and facts.nul_line is None
        and facts.delimiters == (columns - 1) * facts.lines
    )


def stage_plain_csv(
    source: Path, facts: FileFacts, encoding: str, delimiter: str, header: list[str], out: Path
) -> int | None:
    """Write the rows of a plain-lines CSV with their line to `out` and return how many; None
    when the file is not one, and `out` is left untouched: polars writes to a file of its
    own, which a failed sink may still be closing while the exact reader writes `out`."""
    if not plain_lines(facts, encoding, delimiter, len(header)):
        return None
    rows = pl.scan_csv(source, separator=delimiter, infer_schema=False, quote_char=None)
    try:
        if rows.collect_schema().names() != header:
            return None
        numbered = rows.with_row_index(LINE, offset=2).select(*header, pl.col(LINE).cast(pl.Int64))
        # Plain Parquet, as the exact reader writes: this file lives only for the build.
        fast = out.with_name(f"{out.stem}.fast{out.suffix}")
        numbered.sink_parquet(fast, compression="uncompressed", statistics=False)
    except pl.exceptions.PolarsError:
        return None
    count = pl.scan_parquet(fast).select(pl.len()).collect().item()
    if count != facts.lines - 1:
        return None
    fast.replace(out)
    return count
