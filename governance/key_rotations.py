"""Key rotations: when a pseudonymisation key was replaced on purpose, by whom, why, and the
fingerprints of the old and new key (never a key). A rotated key changes what every product
built with it would publish, so a build fingerprints those products with the key's newest
rotation, and the products no longer count as up to date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from governance.duck import reading, select, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS key_rotations (
    key_id TEXT NOT NULL,
    rotated_at TIMESTAMP NOT NULL,
    old_fingerprint TEXT,
    new_fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (key_id, rotated_at)
);
"""


@dataclass(frozen=True)
class Rotation:
    """One rotation of a key; `old_fingerprint` is None when the key's file was already gone."""

    key_id: str
    rotated_at: dt.datetime
    old_fingerprint: str | None
    new_fingerprint: str
    reason: str
    actor: str


class KeyRotations:
    """The rotations recorded in the domain's state."""

    def __init__(self, path: Path):
        self.path = path

    def record(self, rotation: Rotation) -> None:
        with transaction(self.path, SCHEMA) as con:
            con.execute(
                "INSERT INTO key_rotations VALUES (?, ?, ?, ?, ?, ?)",
                [rotation.key_id, rotation.rotated_at, rotation.old_fingerprint,
                 rotation.new_fingerprint, rotation.reason, rotation.actor],
            )  # fmt: skip

    def history(self, key_id: str | None = None) -> list[Rotation]:
        """Rotations, oldest first (of one key, or of all)."""
        with reading(self.path, SCHEMA, ["key_rotations"]) as con:
            rows = select(
                con,
                "SELECT * FROM key_rotations WHERE ? IS NULL OR key_id = ? ORDER BY rotated_at",
                [key_id, key_id],
            )
        return [Rotation(**row) for row in rows]

    def current(self) -> dict[str, str]:
        """The fingerprint each rotated key has had since its newest rotation."""
        return {r.key_id: r.new_fingerprint for r in self.history()}
