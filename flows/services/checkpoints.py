"""Publishing signed checkpoints of the audit log outside the domain: every publication's
manifest carries the checkpoint of its own audit record, and every command that writes ends by
appending the log's newest checkpoint to published/audit-checkpoints (JSON lines), beside the
public key (published/audit-public-key.pem) anyone can check them with."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from flows.files.atomic import write_atomically
from flows.files.published import MANIFEST
from flows.settings import Paths
from governance.audit import AuditLog, Record, Verdict, head_checkpoint
from governance.audit_keys import public_pem, signing_key
from governance.checkpoints import Checkpoint, read_checkpoints, signed

CHECKPOINTS = "audit-checkpoints"
PUBLIC_KEY = "audit-public-key.pem"


def sign(paths: Paths, record: Record) -> Checkpoint:
    """The signed checkpoint of the log as it stands at `record` (the signing key was made
    with the log's first keyed record)."""
    key = signing_key(paths.keys, create=False)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return signed(head_checkpoint(record, at), key)


def publish_head(paths: Paths) -> Checkpoint | None:
    """Append the checkpoint of the log's newest record to the published checkpoints, unless
    they hold it already; none while the log is empty or kept from before keys."""
    newest = AuditLog(paths.state).records(limit=1)
    if not newest or newest[0].digest is None:
        return None
    known = published(paths.publish)
    if known and known[-1].seq >= newest[0].seq:
        return None
    point = sign(paths, newest[0])
    append(paths, point)
    return point


def append(paths: Paths, point: Checkpoint) -> None:
    """Add a checkpoint to published/audit-checkpoints (rewritten whole, atomically), and
    write the public key beside it."""
    folder = paths.publish
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(c.to_json(), sort_keys=True) for c in published(folder)]
    lines.append(json.dumps(point.to_json(), sort_keys=True))
    text = "\n".join(lines) + "\n"
    write_atomically(folder / CHECKPOINTS, lambda tmp: _public(tmp.write_text(text, "utf-8"), tmp))
    pem = public_pem(signing_key(paths.keys, create=False))
    if not (folder / PUBLIC_KEY).is_file() or (folder / PUBLIC_KEY).read_bytes() != pem:
        write_atomically(folder / PUBLIC_KEY, lambda tmp: _public(tmp.write_bytes(pem), tmp))


def _public(_: object, path: Path) -> None:
    """Readable by everyone, whatever the process's umask: these are for the public."""
    os.chmod(path, 0o644)


def published(folder: Path) -> list[Checkpoint]:
    """The checkpoints published in `folder`, oldest first."""
    path = folder / CHECKPOINTS
    if not path.is_file():
        return []
    return read_checkpoints(path.read_text("utf-8"), str(path))


def manifest_checkpoints(folder: Path) -> list[Checkpoint]:
    """The checkpoints the published manifests carry, one per version."""
    found = []
    for manifest in sorted(folder.glob(f"*/v*/{MANIFEST}")):
        body = json.loads(manifest.read_text("utf-8")).get("audit_checkpoint")
        if body:
            found.append(Checkpoint.from_json(body))
    return found


def verify_published(paths: Paths) -> Verdict:
    """The audit log checked by its keys, its head and everything published that vouches for
    it: the checkpoints file and every manifest's checkpoint, with the public key beside."""
    points = published(paths.publish) + manifest_checkpoints(paths.publish)
    key = paths.publish / PUBLIC_KEY
    log = AuditLog(paths.state)
    if points and not key.is_file():
        return Verdict(False, len(log.records()), f"{key}: the audit public key is missing")
    return log.verify(points, key.read_bytes() if points else None)
