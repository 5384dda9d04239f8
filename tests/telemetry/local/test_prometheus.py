"""The lab's Prometheus: the generated config, storage under data/, listening on 127.0.0.1 only."""

from __future__ import annotations

from pathlib import Path

from services import lab
from telemetry.local.prometheus import prometheus_launch
from telemetry.prometheus.paths import LOCAL_CONFIG


def test_the_command_runs_the_lab_config_with_local_storage(tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: f"/opt/bin/{name}", data=tmp_path)
    assert not launch.skipped
    assert launch.command[0] == "/opt/bin/prometheus"
    assert f"--config.file={LOCAL_CONFIG}" in launch.command
    assert f"--storage.tsdb.path={tmp_path / 'prometheus'}" in launch.command
    assert f"--web.listen-address=127.0.0.1:{lab.port('prometheus')}" in launch.command
    assert launch.directories == (tmp_path / "prometheus",)


def test_without_the_binary_it_says_how_to_install_it(tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: None, data=tmp_path)
    assert launch.skipped == "no `prometheus` on PATH" and not launch.command
    assert "apt-get install prometheus" in launch.hint and "systemctl disable --now prometheus" in launch.hint
