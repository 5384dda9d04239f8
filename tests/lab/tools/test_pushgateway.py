"""`lab.tools pushgateway`: exec Debian's binary on the lab's port, or explain and wait."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lab import layout
from lab.tools import __main__ as local
from lab.tools import pushgateway


def test_the_binary_listens_on_the_lab_port_and_keeps_its_metrics(tmp_path: Path) -> None:
    launch = pushgateway.pushgateway_launch(which=lambda name: f"/usr/bin/{name}", data=tmp_path)
    assert launch.command == [
        "/usr/bin/prometheus-pushgateway",
        f"--web.listen-address=127.0.0.1:{layout.port('pushgateway')}",
        f"--persistence.file={tmp_path / 'pushgateway' / 'metrics'}",
    ]
    assert launch.directories == (tmp_path / "pushgateway",) and not launch.skipped


def test_without_the_binary_it_says_how_to_install_it(tmp_path: Path) -> None:
    launch = pushgateway.pushgateway_launch(which=lambda name: None, data=tmp_path)
    assert launch.skipped == "neither `prometheus-pushgateway` nor `pushgateway` on PATH"
    assert "apt-get install prometheus-pushgateway" in launch.hint


def test_the_official_release_name_is_found_too(tmp_path: Path) -> None:
    found = {"pushgateway": "/opt/release/pushgateway"}
    launch = pushgateway.pushgateway_launch(which=found.get, data=tmp_path)
    assert launch.command[0] == "/opt/release/pushgateway"


def test_a_launch_that_can_start_replaces_this_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    launch = pushgateway.pushgateway_launch(which=lambda name: "/opt/pushgateway", data=tmp_path)
    monkeypatch.setattr(local, "checked", lambda launch: launch)
    execs = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: execs.append((path, argv)))
    local.run(launch)
    assert execs == [("/opt/pushgateway", launch.command)]
    assert (tmp_path / "pushgateway").is_dir()
