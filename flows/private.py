"""Inside the data domain, files are the owner's alone: raw ID numbers sit in quarantine/,
keys in keys/, the whole memory in state.duckdb. A command that works on the domain makes the
process create files 0600 and folders 0700 (umask 077: DuckDB's files, its write-ahead log and
every library's output included) and keeps the domain's root 0700. What leaves the domain is
made readable where it is written (published/, by publishing)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
_entered: set[Path] = set()
_user_umask: list[int] = []
"""The umask the process started with, for files a user asked for outside the domain."""


def enter_domain(home: Path) -> None:
    """Create from now on with no group or other bits; the first time a domain is entered,
    tighten its root to 0700 and take those bits off what is already inside (a domain made by an
    earlier version)."""
    started = os.umask(PRIVATE_UMASK)
    if not _user_umask:
        _user_umask.append(started)
    if home in _entered or not home.is_dir():
        return
    _entered.add(home)
    if stat.S_IMODE(home.stat().st_mode) & 0o077:
        tighten(home)


def as_user_would(path: Path) -> None:
    """Give a file a user asked for outside the domain (answers, an export, a schema) the mode
    the user's own umask would have given it."""
    if _user_umask and path.is_file() and not path.is_symlink():
        os.chmod(path, 0o666 & ~_user_umask[0])


def tighten(home: Path) -> None:
    """Take group and other bits off `home` and everything in it (symlinks are not followed:
    a link in raw/ may point anywhere)."""
    _private(home)
    for folder, dirs, files in os.walk(home):
        for name in (*dirs, *files):
            _private(Path(folder) / name)


def _private(path: Path) -> None:
    try:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode):
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
    except OSError:  # a file another user owns, or one gone meanwhile: its mode stays
        pass
