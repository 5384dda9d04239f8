"""promtool on the generated files: both configs, the rules, and the rules' unit tests (`../tests/*.yml`).

Debian's Prometheus is built without Kubernetes discovery, so the cluster's config is checked with its
`kubernetes_sd_configs` swapped for an empty static list: everything else (relabelling, rule files)
is checked as written; the discovery block itself is tested in test_config.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from telemetry.prometheus.paths import K8S_CONFIG, LOCAL_CONFIG, RULES_DIR, UNIT_TESTS_DIR
from tests.binaries import debian_binary

# Every test runs promtool.
pytestmark = pytest.mark.integration

UNIT_TESTS = sorted(UNIT_TESTS_DIR.glob("*.yml"))


@pytest.fixture(scope="module")
def promtool() -> Path:
    return debian_binary("promtool", "prometheus")


def run(promtool: Path, *args: str) -> str:
    result = subprocess.run([str(promtool), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_the_lab_config_and_its_rule_files_check(promtool: Path) -> None:
    assert "2 rule files found" in run(promtool, "check", "config", str(LOCAL_CONFIG))


def test_the_cluster_config_checks_but_for_kubernetes_discovery(promtool: Path, tmp_path: Path) -> None:
    config = yaml.safe_load(K8S_CONFIG.read_text())
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["static_configs"] = []
    config["rule_files"] = [str(RULES_DIR / "*.yml")]  # the mount point, here
    checked = tmp_path / "prometheus-k8s.yml"
    checked.write_text(yaml.safe_dump(config))
    assert "2 rule files found" in run(promtool, "check", "config", str(checked))


def test_the_rules_check(promtool: Path) -> None:
    run(promtool, "check", "rules", *map(str, sorted(RULES_DIR.glob("*.yml"))))


@pytest.mark.timeout(60)
def test_the_rules_pass_their_unit_tests(promtool: Path) -> None:
    assert len(UNIT_TESTS) == 2
    run(promtool, "test", "rules", *map(str, UNIT_TESTS))
