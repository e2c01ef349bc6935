"""Run the real `sluice` console script in a subprocess, against a throwaway domain."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import POLICIES

SLUICE = Path(sys.executable).parent / "sluice"
TODAY = "2026-07-01"
"""The date the e2e domain lives on: inside the sample authorization's term."""
AUTHORIZATION = Path("policies") / "authorizations" / "AUTH-2026-001.yaml"


@dataclass
class Workspace:
    root: Path
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return self.root / "domain"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def policies(self) -> Path:
        return self.root / "policies"

    def sluice(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `sluice args` here; keyword arguments override environment variables."""
        return subprocess.run(
            [str(SLUICE), *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def make_workspace(
    tmp_path_factory,
    rows: int = 3000,
    *build_args: str,
    keys: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> Workspace:
    """Sample data generated, every resource registered, the sample authorization held and
    ``sluice build policies [build_args]`` run once; ``keys`` (name -> hex) are placed in the
    domain first, so keyed outputs come out the same in every run. Builds run in-process
    unless ``env`` names a Prefect server (PREFECT_API_URL)."""
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(POLICIES, root / "policies")
    env = {
        **os.environ,
        "SLUICE_HOME": str(root / "domain"),
        "SLUICE_PUBLISH_DIR": str(root / "published"),
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
        "PREFECT_API_URL": "",
        "SLUICE_TODAY": TODAY,
        "SLUICE_ACTOR": "e2e",
        **(env or {}),
    }
    ws = Workspace(root, env)
    sample = ws.sluice("sample", "--out", str(ws.home / "raw"), "--rows", str(rows))
    assert sample.returncode == 0, sample.stderr
    register = ws.sluice("register", "policies")
    assert register.returncode == 0, register.stdout + register.stderr
    held = ws.sluice("authorization", "add", str(AUTHORIZATION))
    assert held.returncode == 0, held.stdout + held.stderr
    for name, key in (keys or {}).items():
        place_key(ws.home / "keys", name, key)
    build = ws.sluice("build", "policies", *build_args)
    assert build.returncode == 0, build.stdout + build.stderr
    ws.first_build = build  # type: ignore[attr-defined]
    return ws


def place_key(folder: Path, name: str, key: str) -> None:
    """A key file as the domain keeps it: hex text, readable by its owner only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{name}.key"
    path.write_text(key)
    path.chmod(0o600)
