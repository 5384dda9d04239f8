"""The lab's tools: link URLs for the browser, probe URLs (with lab.json's readiness paths) for the server."""

from __future__ import annotations

import os

import pytest

from lab import layout
from ui.settings import UiSettings
from ui.tools import lab_tools


def test_in_make_up_the_link_is_also_what_is_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("INFERLAB_")]:
        monkeypatch.delenv(name)  # the defaults, not a developer's exported settings
    for tool in lab_tools(UiSettings()):
        component = tool.name.lower()
        assert tool.link_url == layout.url(component)
        assert tool.probe_url == layout.url(component) + layout.components()[component]["ready"]


def test_in_the_cluster_links_are_forwarded_ports_and_probes_the_services() -> None:
    settings = UiSettings(
        prometheus_url="http://prometheus:9090",
        prometheus_link_url="http://localhost:9090",
        grafana_url="http://localhost:3000",
        grafana_probe_url="http://grafana:3000/",
        locust_url="http://localhost:8089",
        locust_probe_url="http://locust-master:8089",
        mlflow_url="",
    )
    tools = {tool.name: tool for tool in lab_tools(settings)}
    assert tools["Grafana"].link_url == "http://localhost:3000"
    assert tools["Grafana"].probe_url == "http://grafana:3000/api/health"
    assert (tools["Prometheus"].link_url, tools["Prometheus"].probe_url) == (
        "http://localhost:9090",
        "http://prometheus:9090/-/ready",
    )
    assert tools["Locust"].probe_url == "http://locust-master:8089/"
    assert (tools["MLflow"].link_url, tools["MLflow"].probe_url) == ("", ""), "not configured: neither"
