"""Whether line 1 of a CSV is a header at all: a file delivered without one would otherwise
have its first record taken as column names, and that record's values shown as headers."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transforms.detectors.scan import scan_frame

_DATA_LIKE = r"^\s*[+-]?[0-9][0-9 .:/\-]*\s*$"
"""Numbers, dates and times: never a column name on their own."""


def header_problem(header: Sequence[str]) -> str | None:
    """Why `header` looks like a data row, or None when it reads as column names. Values are
    never echoed back, so the message is safe to show.

    >>> header_problem(["zjhm", "xingming"]) is None
    True
    >>> header_problem(["110101199003077571", "张三"])
    'line 1 looks like data, not a header (column 1 holds a CN_RESIDENT_ID); add a header row naming the columns'
    >>> header_problem(["2024-01-01", "12.5"])
    'line 1 looks like data, not a header (every cell is a number or date); add a header row naming the columns'
    """  # noqa: E501
    cells = pl.DataFrame({"cell": list(header)}, schema={"cell": pl.String})
    found = scan_frame(cells)
    if found.height:
        first = found.row(0, named=True)
        why = f"column {first['row'] + 1} holds a {first['entity']}"
    elif header and all(pl.Series(list(header)).str.contains(_DATA_LIKE)):
        why = "every cell is a number or date"
    else:
        return None
    return f"line 1 looks like data, not a header ({why}); add a header row naming the columns"
