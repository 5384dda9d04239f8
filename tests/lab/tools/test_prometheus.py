"""The lab's Prometheus: the generated config, storage under data/, listening on 127.0.0.1 only."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from lab import layout
from lab.tools.prometheus import prometheus_launch
from telemetry.prometheus.paths import LOCAL_CONFIG, RULES_DIR


def test_the_command_runs_the_lab_config_with_local_storage(tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: f"/opt/bin/{name}", data=tmp_path)
    assert not launch.skipped
    assert launch.command[0] == "/opt/bin/prometheus"
    assert f"--config.file={tmp_path / 'prometheus.yml'}" in launch.command
    assert f"--storage.tsdb.path={tmp_path / 'prometheus'}" in launch.command
    assert f"--web.listen-address=127.0.0.1:{layout.port('prometheus')}" in launch.command
    assert not any("lifecycle" in argument for argument in launch.command)  # no unauthenticated POST /-/quit
    assert launch.directories == (tmp_path / "prometheus", tmp_path / "load-tests")


def test_the_rendered_config_is_the_committed_one_with_absolute_paths(tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: f"/opt/bin/{name}", data=tmp_path)
    rendered = json.loads(launch.files[tmp_path / "prometheus.yml"])
    committed = yaml.safe_load(LOCAL_CONFIG.read_text())
    assert rendered["rule_files"] == [str(RULES_DIR / "*.yml")]
    locust = next(job for job in rendered["scrape_configs"] if job["job_name"] == "locust")
    assert locust["file_sd_configs"] == [{"files": [str(tmp_path / "load-tests" / "*.json")]}]
    for config in (rendered, committed):
        config.pop("rule_files")
        for job in config["scrape_configs"]:
            job.pop("file_sd_configs", None)
    assert rendered == committed


def test_without_the_binary_it_says_how_to_install_it(tmp_path: Path) -> None:
    launch = prometheus_launch(which=lambda name: None, data=tmp_path)
    assert launch.skipped == "no `prometheus` on PATH" and not launch.command
    assert "apt-get install prometheus" in launch.hint and "systemctl disable --now prometheus" in launch.hint
