"""Where the domain and the published area live (SLUICE_HOME, SLUICE_PUBLISH_DIR)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """The two places on disk, never mixed: inside the domain, and what may leave it."""

    home: Path
    publish: Path

    @classmethod
    def from_env(cls) -> Paths:
        home = Path(os.environ.get("SLUICE_HOME", "domain"))
        publish = Path(os.environ.get("SLUICE_PUBLISH_DIR", "published"))
        return cls(home.absolute(), publish.absolute())

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def work(self) -> Path:
        return self.home / "work"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def keys(self) -> Path:
        return self.home / "keys"

    @property
    def state(self) -> Path:
        return self.home / "state.duckdb"

    def source(self, declared: str) -> Path:
        """A resource's source path: absolute as written, else relative to SLUICE_HOME."""
        path = Path(declared)
        return path if path.is_absolute() else self.home / path
