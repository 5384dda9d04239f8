"""Debian's `prometheus` binary as a live process for the integration tests, and its query API.

Each run gets a free port on 127.0.0.1, its own storage directory and a config written by the test;
every wait is bounded.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from telemetry.grafana.paths import dashboard_path
from telemetry.panels import DASHBOARDS
from tests.binaries import debian_binary
from tests.live import LiveProcess, live_process


@contextmanager
def prometheus_process(config: dict[str, Any], port: int, workdir: Path) -> Iterator[LiveProcess]:
    """Prometheus on 127.0.0.1:`port` with `config`; yields once `/-/ready` answers."""
    binary = debian_binary("prometheus", "prometheus")
    config_file = workdir / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    command = [
        str(binary),
        f"--config.file={config_file}",
        f"--storage.tsdb.path={workdir / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    url = f"http://127.0.0.1:{port}"
    with live_process(command, url, "/-/ready", workdir / "prometheus.log", startup_timeout_s=20) as server:
        yield server


def api(client: httpx.Client, path: str, **params: str) -> Any:
    """`data` of a Prometheus API answer; an error answer fails with Prometheus's own words."""
    body = client.get(f"/api/v1/{path}", params=params).json()
    assert body["status"] == "success", f"{path} {params}: {body.get('error')}"
    return body["data"]


def instant(client: httpx.Client, expr: str) -> list[dict[str, Any]]:
    return api(client, "query", query=expr)["result"]


def poll(check: Callable[[], list[str]], timeout_s: float, every_s: float = 0.5) -> list[str]:
    """Call `check` until it reports no problem or time runs out; answer the last problems."""
    deadline = time.monotonic() + timeout_s
    problems = check()
    while problems and time.monotonic() < deadline:
        time.sleep(every_s)
        problems = check()
    return problems


def committed_targets() -> list[tuple[str, str, str]]:
    """(dashboard, panel, expression) of every target in the committed Grafana JSON."""
    found = []
    for dashboard in DASHBOARDS:
        model = json.loads(dashboard_path(dashboard.uid).read_text())
        panels = [panel for panel in model["panels"] if panel["type"] != "row"]
        found += [(dashboard.uid, panel["title"], target["expr"]) for panel in panels for target in panel["targets"]]
    return found


def shows_something(result: list[dict[str, Any]]) -> bool:
    """At least one series with a finite value: NaN (an empty histogram window) draws nothing."""
    return any(math.isfinite(float(series["value"][1])) for series in result)


def drew_something(result: list[dict[str, Any]]) -> bool:
    """A range query's answer with at least one finite point: the panel drew a line over the window."""
    return any(math.isfinite(float(value)) for series in result for _, value in series["values"])
