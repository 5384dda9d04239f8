"""Where the generated Prometheus files live, apart from the code that generates them."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCAL_CONFIG = HERE / "prometheus.yml"
K8S_CONFIG = HERE / "prometheus-k8s.yml"
RULES_DIR = HERE / "rules"
UNIT_TESTS_DIR = HERE / "tests"  # promtool test rules files
