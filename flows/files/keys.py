"""Pseudonymisation keys: created on first use in domain/keys/ with mode 0600, never printed,
logged or copied out of the domain."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from flows.errors import BuildError

KEY_BYTES = 32


def load_or_create_key(folder: Path, key_id: str) -> tuple[bytes, bool]:
    """The key named `key_id` and whether it was just created.

    Creation uses O_EXCL so two builds racing never overwrite each other's key; a key file
    readable by group or others is refused, since anyone holding it can link pseudonyms.
    """
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{key_id}.key"
    created = False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(KEY_BYTES).hex().encode())
        created = True
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
    return key, created


def load_key(folder: Path, key_id: str) -> bytes:
    """An existing key; a missing one is an error (answering must never create a new key)."""
    if not (folder / f"{key_id}.key").is_file():
        raise BuildError(
            f"key '{key_id}' is missing from {folder}; the product was built with it, so "
            "rebuild the product (a new key makes a new index)"
        )
    return load_or_create_key(folder, key_id)[0]


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint that tells keys apart without revealing them."""
    return hashlib.blake2b(key, digest_size=8, person=b"sluice-key-fp").hexdigest()
