"""A stand-in HTTP server on 127.0.0.1 for states a real process cannot be put in on demand.

The UI under test is built by its own entry point (`python -m ui`'s main file), so it reaches its
backends over real HTTP; this server answers every request with one canned reply, after an optional
delay (bounded by the caller), and stops when the block ends.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_DELAY_S = 5.0


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def _handler(reply: Reply) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)  # drain the upload, as a real server would
            time.sleep(min(reply.delay_s, MAX_DELAY_S))
            payload = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up first: what delays are for
                self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass  # keep the test output clean

    return Handler


@contextmanager
def stub_server(reply: Reply) -> Iterator[str]:
    """Serve `reply` to every request; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(reply))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
