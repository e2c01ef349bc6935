"""Where the domain and the published area live (SLUICE_HOME, SLUICE_PUBLISH_DIR)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flows.errors import BuildError
from flows.private import enter_domain


@dataclass(frozen=True)
class Paths:
    """The two places on disk, never mixed: inside the domain, and what may leave it."""

    home: Path
    publish: Path

    @classmethod
    def from_env(cls) -> Paths:
        """The domain a command works on; locating it is entering it, so from here on the
        process creates files in it private (0600, folders 0700)."""
        home = Path(os.environ.get("SLUICE_HOME", "domain")).absolute()
        publish = Path(os.environ.get("SLUICE_PUBLISH_DIR", "published"))
        enter_domain(home)
        return cls(home, publish.absolute())

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
        """A resource's source path: absolute as written, else relative to SLUICE_HOME. Raw
        data is read only from inside the domain's raw/ folder, so a policy (symlinks and `..`
        resolved) cannot make a build read, and quote in its errors, any other file."""
        path = Path(declared)
        path = path if path.is_absolute() else self.home / path
        raw, resolved = self.raw.resolve(), path.resolve()
        if not resolved.is_relative_to(raw):
            raise BuildError(
                f"'{declared}' (resolving to {resolved}) is outside the domain's raw folder "
                f"{raw}; sources are read only from there: copy the file into it and name it "
                "relative to SLUICE_HOME, e.g. raw/<file>"
            )
        return path
