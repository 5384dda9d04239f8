"""`python -m lab.tools`: exec the tool when it can start; otherwise say why and wait for the stop signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab import layout
from lab.tools import __main__ as local
from lab.tools.launch import Launch, port_taken
from lab.tools.prometheus import prometheus_launch
from tests.live import REPO

STILL_WAITING_S = 0.5


def test_a_tool_that_can_start_replaces_this_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: "/opt/bin/prometheus", data=tmp_path)
    monkeypatch.setitem(local.LAUNCHES, "prometheus", lambda which, data: launch)
    monkeypatch.setattr(local, "port_taken", lambda port: False)
    monkeypatch.setenv("INFERLAB_TOOLS_DATA_DIR", str(tmp_path))
    old_note = layout.skip_note("prometheus", tmp_path)
    old_note.parent.mkdir(parents=True)
    old_note.write_text("prometheus skipped: a past run's reason\n")
    execs = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: execs.append((path, argv, env)))
    local.main(["prometheus"])
    [(path, argv, _)] = execs
    assert (path, argv) == ("/opt/bin/prometheus", launch.command)
    assert (tmp_path / "prometheus").is_dir()
    assert not old_note.exists(), "a started tool must not keep a past run's skip note for the console"


@pytest.mark.integration  # listens on a port to take it
def test_a_taken_port_skips_the_tool_with_the_reason() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert port_taken(port)
        checked = local.checked(Launch("prometheus", port, ["/bin/prometheus"]))
    assert checked.skipped == f"127.0.0.1:{port} is already taken" and not checked.command
    assert "systemctl disable --now" in checked.hint


@pytest.mark.integration  # runs python -m lab.tools
@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("tool", "explanation"),
    [
        ("grafana", "grafana skipped: neither `grafana` nor `grafana-server` on PATH"),
        ("pushgateway", "pushgateway skipped: neither `prometheus-pushgateway` nor `pushgateway` on PATH"),
    ],
)
def test_a_skipped_tool_explains_then_waits_until_sigterm(tmp_path: Path, tool: str, explanation: str) -> None:
    """With an empty PATH and fetching off no tool is found: the process must stay up (honcho would stop the lab)."""
    environment = {
        **os.environ,
        "PATH": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "INFERLAB_TOOLS_FETCH": "false",
        "INFERLAB_TOOLS_DIR": str(tmp_path / "tools"),
        "INFERLAB_TOOLS_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "lab.tools", tool]
    with subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.PIPE, text=True) as process:
        first_line = process.stdout.readline()
        time.sleep(STILL_WAITING_S)
        still_running = process.poll() is None
        process.send_signal(signal.SIGTERM)
        code = process.wait(10)
    assert first_line.startswith(explanation)
    assert "fetching" in first_line and "is off (INFERLAB_TOOLS_FETCH=false)" in first_line
    assert still_running
    assert code == 0
    assert layout.skip_note(tool, tmp_path / "data").read_text() == first_line.split(" The rest")[0] + "\n"


@pytest.mark.integration  # imports in a fresh interpreter
def test_the_launcher_needs_neither_the_grafana_sdk_nor_yaml() -> None:
    """`make up` runs it from the `all` extra: the generators' dependencies (`dev`) are not installed there."""
    probe = "import sys, lab.tools.__main__; print(sorted({'grafana_foundation_sdk', 'yaml'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
