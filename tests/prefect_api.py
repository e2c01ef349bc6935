"""One real Prefect server for the tests that watch a build on a server (task runs, logs,
artifacts, deployments), shared by every such test of one test process. Other builds run
in-process, with no server at all.

The server starts on first use and stops when the test process ends. Where it cannot start,
the tests that need it are skipped.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PREFECT = Path(sys.executable).parent / "prefect"
START_SECONDS = 120
_url: str | None = None


def api_url() -> str:
    """The API address of the test run's Prefect server, or '' when none could start."""
    global _url
    if _url is None:
        _url = _start()
    return _url


def _start() -> str:
    if os.environ.get("SLUICE_TEST_PREFECT") == "temporary" or not PREFECT.is_file():
        return ""
    home = tempfile.mkdtemp(prefix="sluice-test-prefect-")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": home, "PREFECT_API_URL": ""}
    server = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port),
         "--no-ui", "--analytics-off", "--no-scheduler", "--no-late-runs"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    atexit.register(_stop, server)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return url
        except OSError:
            time.sleep(0.5)
    _stop(server)
    sys.stderr.write("tests: no Prefect server started; builds use Prefect's temporary one\n")
    return ""


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
