"""Every file `python -m telemetry.prometheus` generates, by path: both configs and both rule files."""

from __future__ import annotations

from pathlib import Path

from telemetry.generated import to_yaml
from telemetry.prometheus.config import kubernetes_config, local_config
from telemetry.prometheus.paths import K8S_CONFIG, LOCAL_CONFIG, RULES_DIR
from telemetry.prometheus.rules import alerting_rules, recording_rules

MODULE = "telemetry.prometheus"


def generated_files() -> dict[Path, str]:
    return {
        LOCAL_CONFIG: to_yaml(local_config(), MODULE),
        K8S_CONFIG: to_yaml(kubernetes_config(), MODULE),
        RULES_DIR / "recording.yml": to_yaml(recording_rules(), MODULE),
        RULES_DIR / "alerts.yml": to_yaml(alerting_rules(), MODULE),
    }
