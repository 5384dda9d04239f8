"""Prometheus for the local lab: the lab's config (static targets from `lab.json`) and its rules.

The config is rendered at each start from `lab.json`, with absolute paths to the rules and to the
folder where headless load tests announce themselves, into `data/prometheus.yml` (JSON,
which Prometheus reads as YAML). So an edited `lab.json` needs no regeneration, and a restart of the
lab picks up regenerated rules.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from lab import layout
from lab.tools.launch import DATA, Launch
from telemetry.prometheus.config import local_config
from telemetry.prometheus.paths import RULES_DIR

RETENTION = "3d"  # enough for the 6-hour confidence baseline, small enough for a laptop
INSTALL = (
    "install it with `apt-get install prometheus` (Debian/Ubuntu), then stop the service the package starts, "
    "which holds the same port: `systemctl disable --now prometheus`"
)


def prometheus_launch(which: Callable[[str], str | None] = shutil.which, data: Path = DATA) -> Launch:
    port = layout.port("prometheus")
    binary = which("prometheus")
    if binary is None:
        return Launch("prometheus", port, skipped="no `prometheus` on PATH", hint=INSTALL)
    storage, rendered, targets = data / "prometheus", data / "prometheus.yml", layout.load_test_targets(data)
    config = local_config(rule_files=str(RULES_DIR / "*.yml"), load_test_targets=str(targets / "*.json"))
    # No --web.enable-lifecycle: it would let any local process stop Prometheus with a POST; restart the lab.
    command = [
        binary,
        f"--config.file={rendered}",
        f"--storage.tsdb.path={storage}",
        f"--storage.tsdb.retention.time={RETENTION}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    files = {rendered: json.dumps(config, indent=2) + "\n"}
    return Launch("prometheus", port, command, directories=(storage, targets), files=files)
