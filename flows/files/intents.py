"""Write-ahead intents: before a publication changes anything, a small file in domain/intents/
says which hidden version folder it is about to commit. The state's transaction is the
commit point: at the start of the next command that writes (and in `sluice doctor`), an
intent whose version the state records is finished (the folder renamed into place, the
catalog rewritten), and any other is undone (the hidden folder removed). Either way the
intent is then removed, so after a crash at any point a version is published with its
records, or not at all."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from flows.files.published import Pending, fsync_dir

FOLDER = "intents"


@dataclass(frozen=True)
class Intent:
    """A publication that was under way: its file, product, version and folders."""

    path: Path
    product: str
    version: int
    tmp: Path
    final: Path


def write_intent(home: Path, pending: Pending) -> Intent:
    """Durably note that `pending` is about to be committed."""
    folder = home / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{pending.product}.{pending.tmp.name}.json"
    body = {"product": pending.product, "version": pending.version,
            "tmp": str(pending.tmp), "final": str(pending.final)}  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(body))
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(folder)
    return Intent(path, pending.product, pending.version, pending.tmp, pending.final)


def pending_intents(home: Path) -> list[Intent]:
    """Every intent left by a publication that did not finish, oldest first."""
    folder = home / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
        try:
            body = json.loads(path.read_text("utf-8"))
            found.append(Intent(path, body["product"], int(body["version"]),
                                Path(body["tmp"]), Path(body["final"])))  # fmt: skip
        except (ValueError, KeyError, OSError):
            path.unlink(missing_ok=True)  # cut short before it was written: nothing committed
    return found


def clear_intent(intent: Intent) -> None:
    """The publication finished or was undone: forget it."""
    intent.path.unlink(missing_ok=True)
    fsync_dir(intent.path.parent)
