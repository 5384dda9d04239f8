"""The worker's supervisor: the worker starts again whatever its exit code, until a signal stops both."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from locustfiles.worker import Supervisor, worker_command


def test_the_worker_is_locust_in_worker_mode_with_the_options_given() -> None:
    command = worker_command(["--master-host", "locust-master"], python="python")
    assert command[:3] == ["python", "-m", "locust"] and command[-3:] == ["--worker", "--master-host", "locust-master"]
    assert Path(command[command.index("-f") + 1]).name == "locustfile.py"


@pytest.mark.integration  # supervises real processes
def test_a_worker_that_ends_is_started_again_whatever_its_exit_code(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    code = f"open({str(starts)!r}, 'a').write('x'); import sys; sys.exit(len(open({str(starts)!r}).read()) % 2)"
    supervisor = Supervisor([sys.executable, "-c", code], pause_s=0.05)
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not starts.exists() or len(starts.read_text()) < 3):
        time.sleep(0.05)
    supervisor.stop()
    runner.join(20)
    assert not runner.is_alive() and len(starts.read_text()) >= 3, "exits 1 and 0 both restarted it"


@pytest.mark.integration  # supervises a real process
def test_a_signal_stops_the_worker_and_the_loop() -> None:
    supervisor = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"], pause_s=0.05)
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and supervisor.process is None:
        time.sleep(0.05)
    supervisor.stop(signal.SIGTERM)
    runner.join(20)
    assert not runner.is_alive() and supervisor.process is not None and supervisor.process.returncode == -signal.SIGTERM
