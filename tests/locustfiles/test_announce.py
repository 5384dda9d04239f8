"""A headless run's `file_sd` target: written whole, with its labels, and cleaned up after killed runs."""

from __future__ import annotations

import json
from pathlib import Path

from locustfiles.announce import announce, remove_stale, target_file


def dead_pid() -> int:
    """A pid no process has: the kernel gives out pids below pid_max only (no process started to find one)."""
    return int(Path("/proc/sys/kernel/pid_max").read_text())


def test_the_file_names_the_address_and_labels_for_prometheus(tmp_path: Path) -> None:
    path = announce(tmp_path / "targets", "127.0.0.1:4567", {"load_test": "20261205T120000Z"}, pid=123)
    assert path == target_file(tmp_path / "targets", 123)
    assert json.loads(path.read_text()) == [
        {"targets": ["127.0.0.1:4567"], "labels": {"load_test": "20261205T120000Z"}}
    ]
    assert [p.name for p in (tmp_path / "targets").iterdir()] == ["locust-123.json"]  # no temporary file left


def test_files_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    gone = target_file(tmp_path, dead_pid())
    gone.write_text("[]")
    alive = target_file(tmp_path, 1)  # init: always alive
    alive.write_text("[]")
    assert remove_stale(tmp_path) == [gone]
    assert alive.exists() and not gone.exists()


def test_a_new_run_clears_what_a_killed_run_left(tmp_path: Path) -> None:
    leftover = target_file(tmp_path, dead_pid())
    leftover.write_text("[]")
    announce(tmp_path, "127.0.0.1:1", {})
    assert not leftover.exists()
