"""A lineage endpoint for tests, as Marquez or DataHub would be one: an HTTP server on
127.0.0.1 at a free port, in a thread, keeping every OpenLineage event POSTed to it."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Started on creation; `events` holds what arrived, in order, with `paths` beside."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.paths: list[str] = []
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.events.append(json.loads(body))
                received.paths.append(self.path)
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def silent_endpoint() -> tuple[socket.socket, str]:
    """An endpoint that accepts connections and never answers (a hung server), and its URL."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    return hung, f"http://127.0.0.1:{hung.getsockname()[1]}"
