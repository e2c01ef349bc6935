"""The Prefect server a served domain's deployments live on: the one PREFECT_API_URL names, or
one `sluice serve` starts on 127.0.0.1 and stops when it stops. Its address is recorded in the
domain (prefect-server.json) while it serves, so `sluice deployments` finds it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from flows.errors import BuildError
from flows.settings import Paths

RECORD = "prefect-server.json"
START_SECONDS = 120.0
PREFECT = Path(sys.executable).parent / "prefect"


@dataclass
class Server:
    """A Prefect API (and its UI, when it serves one); `process` when this process started it."""

    api: str
    ui: str | None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop the server this process started (nothing for one it found running)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def prefect_home(paths: Paths) -> Path:
    """PREFECT_HOME when set, else the domain's own: run logs and parameters stay inside it."""
    named = os.environ.get("PREFECT_HOME", "").strip()
    return Path(named).expanduser().absolute() if named else paths.home / "prefect"


def start(home: Path, port: int, *, ui: bool = True) -> Server:
    """`prefect server start` on 127.0.0.1:`port` with its scheduler, once /health answers."""
    check_port(port)
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": ""}
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    command = [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with (home / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, *([] if ui else ["--no-ui"])], env=env, stdout=log, stderr=log,
            stdin=subprocess.DEVNULL, start_new_session=True,  # Ctrl-C reaches us, not it
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    server = Server(f"{base}/api", base if ui else None, process)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if answers(server.api):
            return server
        time.sleep(0.3)
    server.stop()
    raise BuildError(
        f"the Prefect server did not start on port {port} within {START_SECONDS:.0f} s; "
        f"its log is {home / 'server.log'}"
    )


def answers(api: str, timeout: float = 2.0) -> bool:
    """Whether the Prefect API at `api` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api.rstrip('/')}/health", timeout=timeout) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def record(paths: Paths, server: Server) -> None:
    """Note the server in the domain while this process serves it."""
    text = json.dumps({"api": server.api, "ui": server.ui, "pid": os.getpid()})
    (paths.home / RECORD).write_text(text + "\n", encoding="utf-8")


def forget(paths: Paths) -> None:
    (paths.home / RECORD).unlink(missing_ok=True)


def serving(paths: Paths) -> dict[str, object] | None:
    """The server a `sluice serve` still running recorded for the domain, or None."""
    try:
        found = json.loads((paths.home / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and _alive(found.get("pid")) else None


def api_to_list(paths: Paths) -> str:
    """The API to list deployments from: PREFECT_API_URL's, else the served domain's."""
    named = os.environ.get("PREFECT_API_URL", "").strip()
    api = named or str((serving(paths) or {}).get("api") or "")
    if not api:
        raise BuildError(
            "no Prefect server to ask: PREFECT_API_URL is not set and no `sluice serve` is "
            f"running for the domain {paths.home}; start one with `sluice serve` (or "
            "`make serve`), or set PREFECT_API_URL to your server's API, e.g. "
            "http://127.0.0.1:4200/api"
        )
    if not answers(api):
        where = "PREFECT_API_URL" if named else f"{RECORD} in the domain"
        raise BuildError(
            f"the Prefect API at {api} (from {where}) does not answer; start the server "
            "(`sluice serve`, or `prefect server start`), or set PREFECT_API_URL to one that runs"
        )
    return api


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_port(port: int) -> None:
    """That a server may listen on `port` (as it will: a closed connection's wait allowed)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise BuildError(
                f"port {port} on 127.0.0.1 is taken; if a Prefect server runs there, use it "
                f"with PREFECT_API_URL=http://127.0.0.1:{port}/api, else pick another port "
                "with --port"
            ) from None
