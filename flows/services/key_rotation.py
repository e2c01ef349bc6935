"""Rotating a pseudonymisation key on purpose (`sluice keys rotate`): the old key is kept
aside in keys/, the new one is recorded in the state with the rotation's reason, and the audit
log says who rotated which key and why, with both fingerprints (never a key)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flows.clock import now
from flows.errors import BuildError
from flows.files.keys import key_fingerprint, rotate_key
from flows.services.audit_trail import actor, record
from flows.settings import Paths
from governance.key_rotations import KeyRotations, Rotation
from governance.state import State

KEY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
"""What a policy may name as a key (and so what can be rotated)."""


@dataclass(frozen=True)
class Rotated:
    """A rotation done: the fingerprints before and after, and where the old key was kept."""

    key_id: str
    old_fingerprint: str | None
    new_fingerprint: str
    retired: Path | None


def rotate(paths: Paths, key_id: str, reason: str) -> Rotated:
    """Replace the key `key_id` with a new one, for `reason`; a key the domain never had is
    refused (rotating it would only create it)."""
    if not KEY_ID.match(key_id):
        raise BuildError(f"'{key_id}' is not a key id (lower-case letters, digits, - and _)")
    if not reason.strip():
        raise BuildError("--reason must say why the key is rotated; it goes into the audit log")
    known = {row["key_id"] for row in State(paths.state).rows("keys")}
    if key_id not in known and not (paths.keys / f"{key_id}.key").exists():
        listed = ", ".join(sorted(known)) or "none"
        raise BuildError(f"the domain has no key '{key_id}' to rotate (keys: {listed})")
    at = now()
    retired, old, new = rotate_key(paths.keys, key_id, at)
    rotated = Rotated(key_id, old and key_fingerprint(old), key_fingerprint(new), retired)
    State(paths.state).record_key(key_id, rotated.new_fingerprint)
    by = actor()
    KeyRotations(paths.state).record(
        Rotation(key_id, at, rotated.old_fingerprint, rotated.new_fingerprint, reason, by)
    )
    counts = {
        "rotation": True,
        "old_fingerprint": rotated.old_fingerprint,
        "fingerprint": rotated.new_fingerprint,
    }
    record(paths, "key_create", by=by, subject=key_id, counts=counts, detail=f"rotated: {reason}")
    return rotated
