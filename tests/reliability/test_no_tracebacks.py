"""No DuckDB error, and no traceback, reaches a user: commands run against a damaged state file,
a state file another process holds, and a state path that is a folder each end with `error:`
lines and a non-zero exit, or wait and succeed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import SLUICE
from tests.reliability.trials import FULL

pytestmark = pytest.mark.reliability
COMMANDS = [("audit", "show"), ("audit", "verify"), ("registry", "list"),
            ("authorization", "list"), ("doctor", "--check-only")]  # fmt: skip
SHORT = [("audit", "verify"), ("authorization", "list")]
"""What `make test` runs (a reader and a writer); the full suite runs every command."""


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLUICE_HOME": str(root / "domain"),
           "SLUICE_PUBLISH_DIR": str(root / "published"), "SLUICE_LOCK_TIMEOUT": "5"}  # fmt: skip
    return subprocess.run([str(SLUICE), *args], cwd=root, env=env, text=True,
                          capture_output=True, timeout=120, check=False)  # fmt: skip


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    told = done.stdout + done.stderr
    assert "Traceback" not in told and "_duckdb" not in told and "duckdb." not in told, told


@pytest.mark.parametrize("damage", ["garbage", "folder", "empty"])
def test_a_damaged_state_file_is_one_error_line(tmp_path: Path, damage: str) -> None:
    state = tmp_path / "domain" / "state.duckdb"
    state.parent.mkdir(parents=True)
    if damage == "garbage":
        state.write_bytes(os.urandom(4096))
    elif damage == "folder":
        state.mkdir()
    else:
        state.write_bytes(b"")
    for command in COMMANDS if FULL else SHORT:
        done = run(tmp_path, *command)
        no_traceback(done)
        if done.returncode != 0:
            assert done.stderr.startswith("error: ") or "problem" in done.stderr, done.stderr


def test_a_state_file_held_by_another_process_is_waited_for(tmp_path: Path) -> None:
    """A DuckDB connection held open by another process (a writer mid-transaction): readers
    and writers wait for it, then go on."""
    state = tmp_path / "domain" / "state.duckdb"
    state.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1]); con.execute('CREATE TABLE t (x INT)')\n"
         "print('held', flush=True); time.sleep(3)", str(state)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    done = run(tmp_path, "audit", "show")
    holder.wait()
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.0  # it waited for the holder
