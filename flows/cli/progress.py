"""The terminal's view of a running build: one line per resource and product, naming the step
it is in (with the rows on the long ones) and how long it has taken; the lines go when the
build ends and its table is printed. Piped output shows nothing but the table."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.logging import RichHandler
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from flows.cli.console import err


class TerminalWatcher:
    """A watcher drawing the build's steps with rich's progress display."""

    def __init__(self, progress: Progress):
        self._progress = progress
        self._lines: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def step(self, unit: str, step: str, rows: int | None = None) -> None:
        counted = f" {rows:,} rows" if rows is not None else ""
        self._show(unit, f"[bold]{unit}[/bold]: {step}{counted}...")

    def done(self, unit: str, outcome: str) -> None:
        style = "red" if outcome == "refused" else "green"
        line = self._show(unit, f"[bold]{unit}[/bold]: [{style}]{outcome}[/{style}]")
        self._progress.stop_task(line)
        self._progress.update(line, completed=1)

    def _show(self, unit: str, text: str) -> TaskID:
        with self._lock:
            if unit not in self._lines:
                self._lines[unit] = self._progress.add_task(text, total=1)
            line = self._lines[unit]
        self._progress.update(line, description=text)
        return line


@contextmanager
def build_display() -> Iterator[TerminalWatcher]:
    """A live display on stderr for the block (drawn only on a terminal)."""
    progress = Progress(
        SpinnerColumn(finished_text="[green]✓[/green]"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        yield TerminalWatcher(progress)


class _WarningsOnly(logging.Filter):
    """Warnings (a step retried) are shown; errors are refusals, which the table reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno == logging.WARNING


def show_build_logs(*, verbose: bool) -> None:
    """Where an in-process build's log lines go: every INFO line with --verbose, else only
    the warnings."""
    logger = logging.getLogger("sluice.build")
    if logger.handlers:
        return
    handler = RichHandler(console=err, show_time=False, show_path=False, markup=False)
    if not verbose:
        handler.addFilter(_WarningsOnly())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
