"""Signed checkpoints of the audit log: a record's number, its chain hash, the log's public
digest up to it and when, signed with the domain's Ed25519 key. They are published outside the
domain (published/audit-checkpoints, every manifest, the catalog), so cutting records off the
log, or rewriting it, shows against them, even to someone who holds only the public key."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from governance.errors import GovernanceError


@dataclass(frozen=True)
class Checkpoint:
    """The log as it stood at record `seq`."""

    seq: int
    hash: str
    digest: str
    at: str
    signature: str = ""

    def payload(self) -> bytes:
        """What is signed: everything but the signature, canonically."""
        body = {"seq": self.seq, "hash": self.hash, "digest": self.digest, "at": self.at}
        return json.dumps(body, sort_keys=True).encode()

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "digest": self.digest, "at": self.at,
                "signature": self.signature}  # fmt: skip

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Checkpoint:
        try:
            return cls(int(body["seq"]), str(body["hash"]), str(body["digest"]), str(body["at"]),
                       str(body["signature"]))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            raise GovernanceError(f"not an audit checkpoint: {str(body)[:80]}") from None


def signed(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> Checkpoint:
    """The checkpoint with its signature."""
    signature = base64.b64encode(key.sign(checkpoint.payload())).decode()
    return Checkpoint(checkpoint.seq, checkpoint.hash, checkpoint.digest, checkpoint.at, signature)


def genuine(checkpoint: Checkpoint, public_pem: bytes) -> bool:
    """Whether the checkpoint was signed by the holder of the key whose public half is given."""
    key = serialization.load_pem_public_key(public_pem)
    if not isinstance(key, Ed25519PublicKey):
        raise GovernanceError("the audit public key is not an Ed25519 key")
    try:
        key.verify(base64.b64decode(checkpoint.signature), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def read_checkpoints(text: str, source: str) -> list[Checkpoint]:
    """Checkpoints from a JSON-lines text; a malformed line is an error naming it."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_json(json.loads(line)))
        except (ValueError, GovernanceError):
            raise GovernanceError(f"{source}, line {number}: not an audit checkpoint") from None
    return found
