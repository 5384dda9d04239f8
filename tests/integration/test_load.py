"""Short load tests against a live service: `python -m locustfiles.run` and `locustfiles.web` as subprocesses.

Locust monkey-patches its process with gevent, so it only ever runs in a child process here. Each
run lasts a few seconds on the tiny model; every wait is bounded and everything listens on 127.0.0.1.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from locustfiles.settings import ENV_PREFIX
from tests.live import REPO, LiveProcess, free_port, live_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

BAD_KINDS = {"random bytes", "truncated jpeg", "text file", "text/plain body", "tensor shape"}
RUN_TIMEOUT_S = 40


def load_environment(server: LiveProcess, runs_dir: Path, **settings: object) -> dict[str, str]:
    """A short, busy run: 4 users for 3 s, a bad request every 0.1 s; the shell's INFERLAB_LOAD_* left out."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    defaults = {"users": 4, "spawn_rate": 4, "run_time": 3, "bad_input_interval_s": 0.1}
    defaults |= {"wait_min_s": 0.05, "wait_max_s": 0.2, "host": server.url, "runs_dir": runs_dir}
    defaults |= {"targets_dir": runs_dir.parent / "targets"}  # never the lab's own data/load-tests
    return inherited | {f"{ENV_PREFIX}{k.upper()}": str(v) for k, v in (defaults | settings).items()}


def start_run(environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        command = [sys.executable, "-m", "locustfiles.run"]
        return subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=output, stderr=output, start_new_session=True
        )


def finish(process: subprocess.Popen, log: Path) -> int:
    try:
        return process.wait(RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
        pytest.fail(f"the load test ran past {RUN_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}")


def only_run(runs_dir: Path) -> Path:
    [run_dir] = runs_dir.iterdir()
    return run_dir


def stats_rows(run_dir: Path) -> dict[str, dict[str, str]]:
    with (run_dir / "locust_stats.csv").open(newline="") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def requests_seen(metrics_url: str, deadline_s: float) -> float:
    """Poll the headless run's /metrics until Locust has counted a request (or the deadline passes)."""
    deadline = time.monotonic() + deadline_s
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            try:
                text = client.get(metrics_url).text
            except httpx.TransportError:
                text = ""  # not listening yet
            families = {f.name: f for f in text_string_to_metric_families(text)}
            counted = sum(s.value for s in families["locust_requests"].samples) if "locust_requests" in families else 0
            if counted:
                return counted
            time.sleep(0.2)
    return 0


def announced(targets_dir: Path) -> list[tuple[str, dict[str, str]]]:
    """The (address, labels) of every file_sd target a run announced there."""
    found = []
    for path in sorted(targets_dir.glob("*.json")):
        found += [(address, group["labels"]) for group in json.loads(path.read_text()) for address in group["targets"]]
    return found


def test_a_short_run_leaves_its_reports_with_no_failure(tiny_server: LiveProcess, tmp_path: Path) -> None:
    """All users for 3 s: reports written, /metrics counting, and every bad request got the 4xx it deserved."""
    metrics_port, log = free_port(), tmp_path / "run.log"
    process = start_run(load_environment(tiny_server, tmp_path / "runs", metrics_port=metrics_port), log)
    counted = requests_seen(f"http://127.0.0.1:{metrics_port}/metrics", deadline_s=15)
    during = announced(tmp_path / "targets")
    assert finish(process, log) == 0, log.read_text(errors="replace")[-3000:]
    assert counted > 0, "the run's /metrics never counted a request"
    # Prometheus found the run through its file_sd target while it lasted; the target is gone with it.
    assert during == [(f"127.0.0.1:{metrics_port}", {"load_test": only_run(tmp_path / "runs").name})]
    assert announced(tmp_path / "targets") == []

    run_dir = only_run(tmp_path / "runs")
    for name in ("locust_stats.csv", "locust_stats_history.csv", "locust_failures.csv", "report.html"):
        assert (run_dir / name).stat().st_size > 0, name
    summary = json.loads((run_dir / "summary.json").read_text())
    assert (summary["passed"], summary["total"]["failures"]) == (True, 0)
    assert "req/s" in (run_dir / "summary.md").read_text()
    rows = stats_rows(run_dir)
    uploads = [row for name, row in rows.items() if name.startswith("/v1/predict (") and "(bad: " not in name]
    assert sum(int(row["Request Count"]) for row in uploads) > 0
    assert int(rows["/v2/models/[model]/infer (fp32)"]["Request Count"]) > 0
    assert_bad_input_counted_as_success(rows)


def assert_bad_input_counted_as_success(rows: dict[str, dict[str, str]]) -> None:
    """Each kind of bad request was sent and none failed: a 200, 5xx or timeout would count as a failure."""
    bad = {name.split("(bad: ")[1].rstrip(")"): row for name, row in rows.items() if "(bad: " in name}
    assert set(bad) == BAD_KINDS
    for kind, row in bad.items():
        assert (int(row["Request Count"]) > 0, int(row["Failure Count"])) == (True, 0), kind


def test_a_master_with_two_local_workers_runs_the_tagged_users(tiny_server: LiveProcess, tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    process = start_run(load_environment(tiny_server, tmp_path / "runs", workers=2, tags="oip", run_time=1.5), log)
    assert finish(process, log) == 0, log.read_text(errors="replace")[-3000:]
    run_dir = only_run(tmp_path / "runs")
    assert "2 workers connected" in (run_dir / "locust.log").read_text()
    rows = stats_rows(run_dir)
    assert int(rows["/v2/models/[model]/infer (fp32)"]["Request Count"]) > 0
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert not [name for name in rows if name.startswith("/v1/predict")]  # neither uploads nor bad input


def test_the_web_ui_serves_locusts_figures_for_prometheus(tiny_server: LiveProcess, tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "locustfiles.web", "--web-port", str(port), "--host", tiny_server.url]
    url = f"http://127.0.0.1:{port}"
    with live_process(command, url, "/", tmp_path / "web.log", startup_timeout_s=20) as web:
        response = httpx.get(f"{url}/metrics", timeout=5)
    assert response.status_code == 200, web.stderr_tail()
    assert response.headers["content-type"].startswith("text/plain")
    samples = {s.name: s.value for f in text_string_to_metric_families(response.text) for s in f.samples}
    assert samples["locust_users"] == 0
