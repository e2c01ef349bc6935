"""`sluice --version`: the version an operator quotes when reporting a problem."""

from __future__ import annotations

import subprocess
from importlib.metadata import version

from tests.e2e.conftest import SLUICE


def test_version_prints_the_installed_package_version_and_exits_zero(tmp_path):
    shown = subprocess.run(
        [str(SLUICE), "--version"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SLUICE_HOME": str(tmp_path / "domain")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"sluice {version('sluice')}"
    assert not (tmp_path / "domain").exists()  # a question about the program touches no domain
