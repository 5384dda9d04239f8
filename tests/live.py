"""Real server processes for integration tests: start, wait until ready, stop gracefully, clean up.

Generic on purpose: a command and a readiness URL, so the inference service, the UI, Prometheus or
Locust can all be run the same way. Every wait is bounded; the server's stderr goes to a file
(a pipe nobody reads would fill up and block the server) and is shown when something fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
STDERR_TAIL_CHARS = 4000


class ServerFailed(RuntimeError):
    """The process died, or did not become ready in time; the message ends with its stderr."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it; another process could take it, rarely)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout_s: float, what: str, every_s: float = 0.05) -> None:
    """Poll `condition` until it holds; fail after `timeout_s` naming `what` (a bound, not a pause)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting until {what}")
        time.sleep(every_s)


@dataclass
class LiveProcess:
    """A running server: its base URL, its process and where its stderr goes."""

    url: str
    process: subprocess.Popen
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def stderr_tail(self, chars: int = STDERR_TAIL_CHARS) -> str:
        return self.stderr()[-chars:]

    def failure(self, what: str) -> ServerFailed:
        return ServerFailed(f"{what} (exit code {self.process.poll()}); its stderr ends with:\n{self.stderr_tail()}")

    def wait_ready(self, ready_url: str, timeout_s: float) -> None:
        """Poll `ready_url` until it answers 200; fail early if the process exits."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise self.failure(f"the server exited before it was ready ({ready_url})")
                try:
                    if client.get(ready_url).status_code == 200:
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(0.1)
        raise self.failure(f"the server was not ready within {timeout_s:g} s ({ready_url})")

    def terminate(self, timeout_s: float = 15.0) -> int:
        """SIGTERM, wait up to `timeout_s`, then SIGKILL; answer the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)


@contextmanager
def live_process(
    command: Sequence[str],
    url: str,
    ready_path: str,
    stderr_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    startup_timeout_s: float = 30.0,
    stop_timeout_s: float = 15.0,
    cwd: Path = REPO,
) -> Iterator[LiveProcess]:
    """Run `command`, yield once `url + ready_path` answers 200, then stop it (gracefully if it can).

    On teardown the server's stderr is printed, so pytest shows it next to any failing test.
    """
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    stderr_path.parent.mkdir(parents=True, exist_ok=True)
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=environment, stdout=stderr, stderr=stderr, start_new_session=True
        )
    server = LiveProcess(url, process, stderr_path)
    try:
        server.wait_ready(url + ready_path, startup_timeout_s)
        yield server
    finally:
        server.terminate(stop_timeout_s)
        print(f"--- stderr of {' '.join(command)} ---\n{server.stderr_tail()}", file=sys.stderr)


def inference_command(models: Sequence[Path | str], port: int, host: str = "127.0.0.1") -> list[str]:
    command = [sys.executable, "-m", "services.inference", "--host", host, "--port", str(port)]
    for model in models:
        command += ["--model", str(model)]
    return command


@contextmanager
def inference_server(
    models: Sequence[Path | str],
    log_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    startup_timeout_s: float = 30.0,
) -> Iterator[LiveProcess]:
    """`python -m services.inference` on a free port, ready when `/v2/health/ready` says so.

    `env` passes settings as `INFERLAB_*` variables, e.g. {"INFERLAB_WORKERS": "1"}.
    """
    port = free_port()
    with live_process(
        inference_command(models, port),
        f"http://127.0.0.1:{port}",
        "/v2/health/ready",
        log_dir / f"inference-{port}.log",
        env=env,
        startup_timeout_s=startup_timeout_s,
    ) as server:
        yield server
