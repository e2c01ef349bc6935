"""Pseudonymisation keys: created on first use in domain/keys/ with mode 0600, never printed,
logged or copied out of the domain. A key the domain's state remembers is never recreated
silently: every pseudonym made with it would change."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from pathlib import Path

from flows.errors import BuildError
from governance.state import State

KEY_BYTES = 32
RETIRED = ".retired-"
"""Infix of a rotated key's file name: keys/<id>.retired-<UTC time>.key."""


def load_or_create_key(folder: Path, key_id: str, state: Path | None = None) -> tuple[bytes, bool]:
    """The key named `key_id` and whether it was just created.

    Creation uses O_EXCL so two builds racing never overwrite each other's key; a key file
    readable by group or others is refused, since anyone holding it can link pseudonyms. A key
    the domain's `state` (default: state.duckdb beside keys/) records as created before is
    missing, not new: that is an error, since a new key would change every pseudonym.
    """
    path = folder / f"{key_id}.key"
    if not path.exists():
        _refuse_if_known(path, key_id, state or folder.parent / "state.duckdb")
    created = _create(folder, path)
    return _read(path), created


def load_key(folder: Path, key_id: str, built_with: str | None = None) -> bytes:
    """An existing key; a missing one is an error (answering must never create a new key), and
    so is one whose fingerprint is not `built_with`, the key an index was built with (after a
    rotation every claim would come back not_found until the product is rebuilt)."""
    if not (folder / f"{key_id}.key").is_file():
        raise BuildError(
            f"key '{key_id}' is missing from {folder}; the product was built with it, so "
            "restore it from backup, or rotate it (`sluice keys rotate "
            f"{key_id} --reason ...`) and rebuild the products that use it"
        )
    key = load_or_create_key(folder, key_id)[0]
    if built_with is not None and key_fingerprint(key) != built_with:
        raise BuildError(
            f"key '{key_id}' is not the key the product was built with (fingerprint "
            f"{key_fingerprint(key)}, built with {built_with}): it was rotated since, so "
            "rebuild the product (`sluice build`) before answering with it"
        )
    return key


def rotate_key(
    folder: Path, key_id: str, at: dt.datetime
) -> tuple[Path | None, bytes | None, bytes]:
    """Move the current key (if any) aside as keys/<id>.retired-<time>.key, kept with mode
    0600 and never deleted, and create a new one: where the old key went, it, and the new."""
    path = folder / f"{key_id}.key"
    retired, old = None, None
    if path.exists():
        old = _read(path)  # a damaged or exposed key is reported, not rotated away unnoticed
        retired = folder / f"{key_id}{RETIRED}{at:%Y%m%dT%H%M%S%fZ}.key"
        os.link(path, retired)  # fails rather than replace an earlier retired key
        path.unlink()
    if not _create(folder, path):
        raise BuildError(f"{path} appeared while rotating it; is another command rotating it?")
    return retired, old, _read(path)


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint that tells keys apart without revealing them."""
    return hashlib.blake2b(key, digest_size=8, person=b"sluice-key-fp").hexdigest()


def _refuse_if_known(path: Path, key_id: str, state: Path) -> None:
    if not state.is_file():
        return
    known = {row["key_id"]: row for row in State(state).rows("keys")}
    if key_id not in known:
        return
    row = known[key_id]
    raise BuildError(
        f"key '{key_id}' (fingerprint {row['fingerprint']}, created {row['created_at']:%Y-%m-%d}) "
        f"is gone from {path.parent}: a new key would change every pseudonym made with it, so "
        f"nothing is built; restore {path.name} from backup, or rotate it on purpose with "
        f'`sluice keys rotate {key_id} --reason "..."` and rebuild what depends on it'
    )


def _create(folder: Path, path: Path) -> bool:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(KEY_BYTES).hex().encode())
    return True


def _read(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise BuildError(
            f"{path}: key file is readable by others (mode {mode:o}); run: chmod 600 {path}"
        )
    text = path.read_bytes().strip()
    try:
        key = bytes.fromhex(text.decode())
    except ValueError:
        raise BuildError(
            f"{path}: not a Sluice key (expected {KEY_BYTES * 2} hex characters)"
        ) from None
    if len(key) < 16:
        raise BuildError(f"{path}: key too short ({len(key)} bytes; at least 16 are needed)")
    return key
