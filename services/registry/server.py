"""`server`: the local lab's MLflow server, bootstrapped, in the foreground (the Procfile runs it).

Artifacts live under `data/mlflow/`; the store is sqlite there, or a PostgreSQL database (`backend.py`).
`--serve-artifacts` makes the server proxy artifact reads and writes (`mlflow-artifacts:/` URIs), so a
client needs only the tracking URI, never the folder.
MLflow's GenAI job runner is switched off: it starts seven more processes this lab never uses, and on
SIGTERM it left them behind. So is MLflow's usage telemetry: the lab does not phone home.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import httpx

from lab.layout import port_taken
from services.registry.backend import backend_store_uri, wait_for_database
from services.registry.bootstrap import bootstrap
from services.registry.errors import RegistryError
from services.registry.settings import RegistrySettings
from services.registry.store import connect

log = logging.getLogger(__name__)
SERVER_ENV = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}
STOP_TIMEOUT_S = 4.0  # below honcho's 5 s before it SIGKILLs the lab's process groups
POLL_S = 0.25
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def server_command(settings: RegistrySettings) -> list[str]:
    data = settings.data_dir.resolve()
    return [
        *(sys.executable, "-m", "mlflow", "server"),
        *("--backend-store-uri", backend_store_uri(settings)),
        *("--artifacts-destination", str(data / "artifacts")),
        "--serve-artifacts",
        *("--host", settings.host, "--port", str(settings.port)),
        *("--workers", str(settings.server_workers)),
        *(() if settings.log_probes else ("--uvicorn-opts", "--no-access-log")),
    ]


def client_url(settings: RegistrySettings) -> str:
    """Where this machine's clients reach the server (a wildcard bind is reached on the loopback)."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


def run_server(settings: RegistrySettings) -> int:
    """Start MLflow, wait until it answers, bootstrap the registry, then stay until MLflow or we stop."""
    if port_taken(settings.port, settings.host):  # else the wait could take another server's answer for ours
        raise RegistryError(f"{settings.host}:{settings.port} is taken already (another MLflow?)")
    (settings.data_dir / "artifacts").mkdir(parents=True, exist_ok=True)
    wait_for_database(backend_store_uri(settings), settings.database_wait_s)
    with running(server_command(settings)) as process:
        url = client_url(settings)
        wait_until_ready(f"{url}/health", settings.startup_timeout_s, process)
        for registered in bootstrap(connect(url), settings):
            log.info("registered %s v%s (%s)", settings.model_name, registered.version, registered.scores.summary())
        log.info("MLflow on %s (registry: %s)", url, settings.model_name)
        return process.wait()


@contextmanager
def running(command: list[str]) -> Iterator[subprocess.Popen]:
    """The command in a process group of its own, stopped with the whole group on SIGTERM, SIGINT or error."""
    process = subprocess.Popen(command, env={**os.environ, **SERVER_ENV}, start_new_session=True)
    previous = {sig: signal.signal(sig, _exit_on_signal) for sig in STOP_SIGNALS}
    try:
        yield process
    finally:
        for sig in STOP_SIGNALS:  # a second Ctrl-C must not cut the stop short and leave MLflow behind
            signal.signal(sig, signal.SIG_IGN)
        stop_group(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)  # a requested stop is a clean exit: honcho would report 143 as a crash


def stop_group(process: subprocess.Popen, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM to the group (mlflow and its uvicorn), then SIGKILL to whatever is left after `timeout_s`."""
    _signal_group(process, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout_s)
    _signal_group(process, signal.SIGKILL)
    process.wait()


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # the whole group may be gone already
        os.killpg(process.pid, sig)


def wait_until_ready(url: str, timeout_s: float, process: subprocess.Popen) -> None:
    """Poll `url` until it answers 200; fail early when the process exits, and after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RegistryError(f"the MLflow server exited (code {process.returncode}) before answering {url}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(POLL_S)
    raise RegistryError(f"the MLflow server did not answer {url} within {timeout_s:g} s")
