"""Run the real `sluice` console script in a subprocess, against a throwaway domain."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import POLICIES

SLUICE = Path(sys.executable).parent / "sluice"


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

    def sluice(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SLUICE), *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.fixture(scope="package")
def workspace(tmp_path_factory) -> Workspace:
    """Sample data generated, every resource registered and every product built once for the
    e2e tests."""
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(POLICIES, root / "policies")
    env = {
        **os.environ,
        "SLUICE_HOME": str(root / "domain"),
        "SLUICE_PUBLISH_DIR": str(root / "published"),
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
        "PREFECT_API_URL": "",
    }
    ws = Workspace(root, env)
    sample = ws.sluice("sample", "--out", str(ws.home / "raw"), "--rows", "3000")
    assert sample.returncode == 0, sample.stderr
    register = ws.sluice("register", "policies")
    assert register.returncode == 0, register.stdout + register.stderr
    build = ws.sluice("build", "policies")
    assert build.returncode == 0, build.stdout + build.stderr
    ws.first_build = build  # type: ignore[attr-defined]
    return ws
