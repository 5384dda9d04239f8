"""The UI's "Lab tools" in the cluster: links for the browser at Tilt's forwards, probes at the Services."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests.manifests.build import BASE, containers, find, objects
from tests.manifests.test_lab import DEPLOYMENTS, LAB
from ui.settings import UiSettings
from ui.tools import lab_tools

# Every test builds the manifests with kubectl kustomize (a process).
pytestmark = pytest.mark.integration


def ui_settings(monkeypatch: pytest.MonkeyPatch) -> UiSettings:
    """The UI's settings as its pod reads them: from the container's environment only."""
    (container,) = containers(find(objects(BASE), "Deployment", "ui"))
    for name in [name for name in os.environ if name.startswith("INFERLAB_")]:
        monkeypatch.delenv(name)
    for variable in container["env"]:
        monkeypatch.setenv(variable["name"], variable["value"])
    return UiSettings()


def test_each_tool_is_linked_at_localhost_and_probed_at_its_service(monkeypatch: pytest.MonkeyPatch) -> None:
    services = {o["metadata"]["name"] for o in objects(BASE) if o["kind"] == "Service"}
    tools = lab_tools(ui_settings(monkeypatch))
    assert {tool.name for tool in tools} == {"Grafana", "Prometheus", "Locust", "MLflow"}
    for tool in tools:
        component = tool.name.lower()
        link, probe = urlsplit(tool.link_url), urlsplit(tool.probe_url)
        assert (link.hostname, link.port) == ("localhost", LAB[component]["port"]), tool
        assert probe.hostname == DEPLOYMENTS[component] and probe.hostname in services, tool
        assert (probe.port, probe.path) == (LAB[component]["port"], LAB[component]["ready"]), tool
