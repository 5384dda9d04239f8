"""The lab's other tools as the monitor page links them: a URL for the browser, one for this server's probe.

In `make up` both are the same `127.0.0.1` address. In the cluster the browser opens what Tilt forwards
to `localhost`, while the UI's pod reaches the tools by their Services' names; probing the browser's URL
from the pod would always read "not answering".
"""

from __future__ import annotations

from dataclasses import dataclass

from lab import layout
from ui.settings import UiSettings


@dataclass(frozen=True)
class Tool:
    name: str
    link_url: str  # what the browser opens ('' = not configured)
    probe_url: str  # where this server checks that it answers: the base URL and lab.json's readiness path

    @property
    def marker(self) -> str:
        return f"tool-{self.name.lower()}"


def _tool(name: str, component: str, link_url: str, probe_base: str) -> Tool:
    probe = probe_base or link_url
    return Tool(name, link_url, probe.rstrip("/") + layout.components()[component]["ready"] if probe else "")


def lab_tools(settings: UiSettings) -> list[Tool]:
    """Grafana, Prometheus, Locust and MLflow, in the order the page shows them."""
    return [
        _tool("Grafana", "grafana", settings.grafana_url, settings.grafana_probe_url),
        _tool(
            "Prometheus", "prometheus", settings.prometheus_link_url or settings.prometheus_url, settings.prometheus_url
        ),
        _tool("Locust", "locust", settings.locust_url, settings.locust_probe_url),
        _tool("MLflow", "mlflow", settings.mlflow_url, settings.mlflow_probe_url),
    ]
