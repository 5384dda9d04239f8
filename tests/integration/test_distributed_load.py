"""The cluster's Locust on 127.0.0.1: a master (`locustfiles.web` as the master pod runs it) and a worker
under `locustfiles.worker` (as the worker pods run it), driven by `locustfiles.remote` (Tilt's button).

Locust runs only in child processes (it monkey-patches with gevent); every wait is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from locustfiles.settings import ENV_PREFIX
from tests.live import REPO, LiveProcess, free_port, live_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def environment(server: LiveProcess, **settings: object) -> dict[str, str]:
    """Quick users against the tiny service; the shell's INFERLAB_LOAD_* left out."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    defaults = {"host": server.url, "shape": "none", "wait_min_s": 0.05, "wait_max_s": 0.2, "bad_input_interval_s": 0.2}
    return inherited | {f"{ENV_PREFIX}{k.upper()}": str(v) for k, v in (defaults | settings).items()}


@contextmanager
def master(server: LiveProcess, web_port: int, master_port: int, log: Path) -> Iterator[LiveProcess]:
    env = environment(server) | {"LOCUST_MODE_MASTER": "true", "LOCUST_MASTER_BIND_PORT": str(master_port)}
    command = [sys.executable, "-m", "locustfiles.web", "--web-port", str(web_port)]
    with live_process(command, f"http://127.0.0.1:{web_port}", "/", log, env=env, startup_timeout_s=40) as process:
        yield process


@contextmanager
def supervised_worker(server: LiveProcess, master_port: int, log: Path) -> Iterator[subprocess.Popen]:
    command = [
        sys.executable,
        "-m",
        "locustfiles.worker",
        "--master-host",
        "127.0.0.1",
        "--master-port",
        str(master_port),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=environment(server), stdout=output, stderr=output, start_new_session=True
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)  # the supervisor passes it on and stops restarting
        try:
            assert process.wait(30) == 0, log.read_text(errors="replace")[-3000:]
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


def workers_of(web_url: str) -> int:
    try:
        return int(httpx.get(f"{web_url}/stats/requests", timeout=2).json().get("worker_count", 0))
    except httpx.HTTPError:
        return 0


def wait_for_workers(web_url: str, count: int, timeout_s: float) -> int:
    deadline, seen = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and (seen := workers_of(web_url)) < count:
        time.sleep(0.5)
    return seen


def test_the_button_drives_the_running_master_and_its_worker(tiny_server: LiveProcess, tmp_path: Path) -> None:
    web_port, master_port, runs = free_port(), free_port(), tmp_path / "runs"
    with (
        master(tiny_server, web_port, master_port, tmp_path / "master.log") as web,
        supervised_worker(tiny_server, master_port, tmp_path / "worker.log"),
    ):
        assert wait_for_workers(web.url, 1, timeout_s=40) == 1, web.stderr_tail()
        # The verdict is not under test here (the tiny model refuses large photos): only who ran what.
        settings = {"users": 3, "spawn_rate": 3, "run_time": 4, "shape": "steady", "runs_dir": runs, "poll_s": 0.5}
        settings |= {"max_failure_ratio": 1.0}
        env = environment(tiny_server, master_url=web.url, **settings)
        done = subprocess.run(
            [sys.executable, "-m", "locustfiles.remote"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
        metrics = httpx.get(f"{web.url}/metrics", timeout=5).text
    assert done.returncode == 0, done.stdout + done.stderr
    [run_dir] = runs.iterdir()
    for name in ("locust_stats.csv", "locust_stats_history.csv", "locust_failures.csv", "report.html"):
        assert (run_dir / name).stat().st_size > 0, name
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["passed"] and summary["total"]["requests"] > 0 and summary["settings"]["users"] == 3
    assert "req/s" in (run_dir / "summary.md").read_text()
    counted = {s.name: s.value for f in text_string_to_metric_families(metrics) for s in f.samples}
    assert sum(v for k, v in counted.items() if k.startswith("locust_requests")) > 0, "the master's /metrics saw it"


def test_a_worker_comes_back_after_its_master_restarts(tiny_server: LiveProcess, tmp_path: Path) -> None:
    """The restarting master sends the worker `quit` (exit 0); the supervisor starts it again."""
    web_port, master_port = free_port(), free_port()
    with supervised_worker(tiny_server, master_port, tmp_path / "worker.log") as worker:
        with master(tiny_server, web_port, master_port, tmp_path / "first.log") as first:
            assert wait_for_workers(first.url, 1, timeout_s=40) == 1, first.stderr_tail()
        with master(tiny_server, web_port, master_port, tmp_path / "second.log") as second:
            assert wait_for_workers(second.url, 1, timeout_s=40) == 1, (tmp_path / "worker.log").read_text()[-3000:]
        assert worker.poll() is None, "the supervisor itself must keep running"
    assert "starting it again" in (tmp_path / "worker.log").read_text()
