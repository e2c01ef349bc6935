"""The audit log's two keys, kept in the domain's keys/ folder (0600): a chain key (HMAC) that
every record's hash is made with, so nobody without it can write a record that verifies; and an
Ed25519 signing key for checkpoints, whose public half is published, so anyone can check a
copy of the log against the signed checkpoints. A key is created with the log's first record;
a key missing while the log has records is an error, never quietly replaced."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.errors import GovernanceError

CHAIN_KEY = "audit-chain.key"
SIGNING_KEY = "audit-signing.pem"


class AuditKeyMissing(GovernanceError):
    """The log has records but its key is gone."""


def chain_key(keys: Path, *, create: bool) -> bytes:
    """The chain key; created (when `create`, i.e. the log is empty) if missing."""
    path = keys / CHAIN_KEY
    if not path.is_file():
        if not create:
            raise AuditKeyMissing(_missing(path))
        _write_new(path, os.urandom(32).hex().encode())
    return bytes.fromhex(path.read_text("ascii").strip())


def signing_key(keys: Path, *, create: bool) -> Ed25519PrivateKey:
    """The checkpoint signing key; created (when `create`) if missing."""
    path = keys / SIGNING_KEY
    if not path.is_file():
        if not create:
            raise AuditKeyMissing(_missing(path))
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_new(path, pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise GovernanceError(f"{path}: not an Ed25519 private key")
    return loaded


def public_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half of a signing key, as PEM, for publishing."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write_new(path: Path, content: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _missing(path: Path) -> str:
    return (
        f"{path}: the audit log's key is missing while the log has records; restore it from "
        "the domain's backup (a new key would make every record fail verification)"
    )
