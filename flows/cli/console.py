"""Where the command line writes: tables to stdout, messages to stderr, readable when piped."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

# Tables stay readable when output is piped (CI, make): no 80-column wrapping.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def relative(path: Path | str | None) -> str:
    """Paths under the working directory are shown relative, as a user would type them."""
    if not path:
        return ""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)
