"""Where the command line writes: tables to stdout, messages to stderr, readable when piped."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.table import Column, Table


def _width(stream: object) -> int | None:
    """A terminal's own width, or the COLUMNS asked for; piped output is wide, not 80 columns."""
    return None if getattr(stream, "isatty", lambda: False)() or "COLUMNS" in os.environ else 200


out = Console(width=_width(sys.stdout))
err = Console(stderr=True, width=_width(sys.stderr))


def folding_table(*headers: str, title: str, keys: Iterable[str] | None = None) -> Table:
    """A table whose long values (product ids, messages, paths) wrap onto further lines
    instead of being cut short with an ellipsis when the width runs out; the first column
    is as wide as its longest key (`keys`), so an id is never split, the others narrow."""
    first, *rest = headers
    width = None if keys is None else max(cell_len(k) for k in (first, *keys))
    columns = [Column(first, overflow="fold", width=width)]
    return Table(*columns, *(Column(h, overflow="fold") for h in rest), title=title)


def share(value: float | None) -> str:
    """A share as a percentage, or a dash when there is none."""
    return "—" if value is None else f"{value:.1%}"


def relative(path: Path | str | None) -> str:
    """Paths under the working directory are shown relative, as a user would type them."""
    if not path:
        return ""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)
