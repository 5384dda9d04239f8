"""`python -m lab.reload`: the command restarts on an edit of a Python file, stops with the lab, or just runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab.reload import split
from tests.live import REPO

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

# The command under watch: writes one line per start, then idles until stopped.
COMMAND = [sys.executable, "-c", "import sys, time; print('started', flush=True); time.sleep(60)"]


def starts(log: Path) -> int:
    return log.read_text().splitlines().count("started") if log.exists() else 0


def until(condition, timeout_s: float) -> float:
    """Seconds until `condition()` held (bounded), or fail."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, "timed out"
        time.sleep(0.05)
    return time.monotonic() - started


def reloader(watched: Path, log: Path, **env: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "lab.reload", str(watched), "--", *COMMAND]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT)


def test_an_edit_restarts_the_command_within_two_seconds_and_a_stop_ends_both(tmp_path: Path) -> None:
    watched, log = tmp_path / "package", tmp_path / "out.log"
    watched.mkdir()
    (watched / "module.py").write_text("A = 1\n")
    process = reloader(watched, log)
    try:
        until(lambda: starts(log) == 1 and "for edits of Python files" in log.read_text(), 20)  # watch set up
        (watched / "notes.txt").write_text("not Python: no restart\n")
        (watched / "module.py").write_text("A = 2\n")
        took = until(lambda: starts(log) == 2, 10)
        assert took < 2.5, f"restart took {took:.1f} s"
        assert "module.py changed" in log.read_text()
        process.send_signal(signal.SIGTERM)  # as honcho stops the lab
        assert process.wait(8) == 0
    finally:
        process.kill()
    children = subprocess.run(["pgrep", "-f", "print('started'"], capture_output=True, text=True).stdout.split()
    assert not children, "the command outlived the reloader"
    assert starts(log) == 2


def test_with_reload_off_it_becomes_the_command(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    process = reloader(tmp_path, log, INFERLAB_RELOAD="false")
    try:
        until(lambda: starts(log) == 1, 20)
        assert "print('started'" in Path(f"/proc/{process.pid}/cmdline").read_text()  # exec'd: same process
    finally:
        process.kill()
        process.wait(5)


@pytest.mark.parametrize("argv", [["ui"], ["--", "python"], ["ui", "--"], ["no-such-dir", "--", "python"]])
def test_paths_and_a_command_are_both_needed(argv: list[str]) -> None:
    with pytest.raises(SystemExit, match=r"usage|no such path"):
        split(argv)


def test_a_command_that_ends_is_reported_and_restarts_on_the_next_edit(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("A = 1\n")
    log = tmp_path / "out.log"
    command = [sys.executable, "-m", "lab.reload", str(tmp_path), "--", sys.executable, "-c", "print('started')"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=out)
    try:
        until(lambda: "exited (0); it restarts on the next edit" in log.read_text(), 10)
        (tmp_path / "module.py").write_text("A = 2\n")
        until(lambda: starts(log) == 2, 10)
        process.send_signal(signal.SIGINT)
        assert process.wait(8) == 0
    finally:
        process.kill()
