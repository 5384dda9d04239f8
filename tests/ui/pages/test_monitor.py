"""The monitor page with Prometheus not configured, configured but down, and answering (a stub)."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from telemetry.panels import service_overview
from tests.ui.conftest import UI_MAIN

# The UI's backends are processes and servers on 127.0.0.1: the tiny-model service, stand-ins (tests/ui/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]


async def test_without_prometheus_the_page_says_so_and_draws_nothing(user: User) -> None:
    await user.open("/monitor")
    await user.should_see(marker="prometheus-status", content="Prometheus is not configured", retries=20)
    for panel in service_overview():
        await user.should_see(panel.title)
    await user.should_not_see(ui.echart)  # hidden: no series, nothing drawn
    await user.should_see(marker="tool-grafana", content="not configured")


@pytest.mark.parametrize("prometheus", ["down"], indirect=True)
async def test_an_unreachable_prometheus_is_named(user: User) -> None:
    await user.open("/monitor")
    await user.should_see(marker="prometheus-status", content="Prometheus is unreachable at http://127.0.0", retries=20)
    await user.should_not_see(ui.echart)
    await user.should_see(marker="panel-note", content="no data")


def chart_of(user: User, title: str) -> ui.echart:
    card = user.find(marker=f"panel-{title}").elements.pop()
    return next(element for element in card.descendants() if isinstance(element, ui.echart))


@pytest.mark.parametrize("prometheus", ["up"], indirect=True)
async def test_series_from_prometheus_are_charted(user: User) -> None:
    await user.open("/monitor")
    await user.should_see(marker="prometheus-status", content="the last 15 minutes", retries=20)
    charts = user.find(ui.echart).elements
    assert charts and all(chart.visible for chart in charts)
    series = chart_of(user, "Request rate").options["series"]
    assert series[0]["name"] == "/v1/predict"
    assert series[0]["data"] == [[1700000000000, 1.5], [1700000015000, 2.0]]


@pytest.mark.parametrize("prometheus", ["up"], indirect=True)
async def test_each_target_is_queried_and_named_by_its_legend(user: User) -> None:
    await user.open("/monitor")
    await user.should_see(marker="prometheus-status", content="the last 15 minutes", retries=20)
    names = [s["name"] for s in chart_of(user, "Error ratio").options["series"]]
    assert names == ["server errors", "overload 503", "bad input 4xx"]  # the stub's series has no `job` label


@pytest.mark.parametrize("ui_env", [{"INFERLAB_UI_GRAFANA_URL": "http://127.0.0.1:9"}])
async def test_configured_tools_are_linked(user: User) -> None:
    await user.open("/monitor")
    link = user.find(marker="tool-grafana").elements.pop()
    assert link.props["href"] == "http://127.0.0.1:9"
