"""Prometheus for the local lab: the generated config (static targets from `lab.json`) and its rules."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from services import lab
from telemetry.local.launch import DATA, Launch
from telemetry.prometheus.paths import LOCAL_CONFIG

RETENTION = "3d"  # enough for the 6-hour confidence baseline, small enough for a laptop
INSTALL = (
    "install it with `apt-get install prometheus` (Debian/Ubuntu), then stop the service the package starts, "
    "which holds the same port: `systemctl disable --now prometheus`"
)


def prometheus_launch(which: Callable[[str], str | None] = shutil.which, data: Path = DATA) -> Launch:
    port = lab.port("prometheus")
    binary = which("prometheus")
    if binary is None:
        return Launch("prometheus", port, skipped="no `prometheus` on PATH", hint=INSTALL)
    storage = data / "prometheus"
    command = [
        binary,
        f"--config.file={LOCAL_CONFIG}",
        f"--storage.tsdb.path={storage}",
        f"--storage.tsdb.retention.time={RETENTION}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--web.enable-lifecycle",  # `curl -X POST .../-/reload` after regenerating the config
    ]
    return Launch("prometheus", port, command, directories=(storage,))
