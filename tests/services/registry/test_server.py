"""`server`: the MLflow command line, the bounded wait, and stopping the whole process group."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.registry.errors import RegistryError
from services.registry.server import (
    SERVER_ENV,
    client_url,
    run_server,
    server_command,
    stop_group,
    wait_until_ready,
)
from services.registry.settings import RegistrySettings
from tests.live import free_port


def test_the_command_keeps_everything_under_the_data_folder(tmp_path: Path) -> None:
    settings = RegistrySettings(data_dir=tmp_path / "mlflow", host="127.0.0.1", port=5123, server_workers=1)
    command = server_command(settings)
    assert command[:4] == [sys.executable, "-m", "mlflow", "server"]
    options = dict(itertools.pairwise(command[4:]))
    assert options["--backend-store-uri"] == f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}"
    assert options["--artifacts-destination"] == str(tmp_path / "mlflow" / "artifacts")
    assert (options["--host"], options["--port"], options["--workers"]) == ("127.0.0.1", "5123", "1")
    assert "--serve-artifacts" in command  # clients download through the server, never from the folder


def test_mlflows_job_runner_and_telemetry_are_off() -> None:
    assert SERVER_ENV == {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}


def test_a_wildcard_bind_is_reached_on_the_loopback() -> None:
    assert client_url(RegistrySettings(host="0.0.0.0", port=5000)) == "http://127.0.0.1:5000"
    assert client_url(RegistrySettings(host="127.0.0.2", port=5001)) == "http://127.0.0.2:5001"


class StandIn:
    """Stands in for the server's process: the wait reads only poll() and returncode."""

    def __init__(self, returncode: int | None) -> None:
        self.returncode = returncode
        self.polls = 0

    def poll(self) -> int | None:
        self.polls += 1
        return self.returncode


def test_the_wait_fails_early_when_the_server_exits() -> None:
    process = StandIn(3)
    with pytest.raises(RegistryError, match="exited \\(code 3\\)"):
        wait_until_ready(f"http://127.0.0.1:{free_port()}/health", 30, process)  # type: ignore[arg-type]
    assert process.polls == 1  # at the first look, not after the 30 s


def test_the_wait_is_bounded() -> None:
    process = StandIn(None)  # runs, and never answers
    with pytest.raises(RegistryError, match=r"within 0\.5 s"):
        wait_until_ready(f"http://127.0.0.1:{free_port()}/health", 0.5, process)  # type: ignore[arg-type]
    assert process.polls >= 1


@pytest.mark.integration  # runs processes
def test_stopping_reaches_the_grandchildren() -> None:
    """mlflow runs uvicorn as its child: both must go, also when the parent ignores SIGTERM."""
    script = "trap '' TERM; sleep 60 & echo $!; wait"
    process = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True)
    grandchild = int(process.stdout.readline())
    stop_group(process, timeout_s=0.5)
    assert process.returncode is not None
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)


def alive(pid: int) -> bool:
    """Running: neither gone nor a zombie waiting for its new parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.integration  # listens on a port to take it
def test_a_taken_port_is_refused_before_mlflow_starts(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        settings = RegistrySettings(host="127.0.0.1", port=holder.getsockname()[1], data_dir=tmp_path / "mlflow")
        with pytest.raises(RegistryError, match="is taken already"):
            run_server(settings)
    assert not (tmp_path / "mlflow").exists()


def test_mlflows_access_log_is_off_unless_probes_are_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    assert server_command(RegistrySettings())[-2:] == ["--uvicorn-opts", "--no-access-log"]
    monkeypatch.setenv("INFERLAB_LOG_PROBES", "true")  # the lab-wide switch, as the service reads it
    assert "--no-access-log" not in server_command(RegistrySettings())
