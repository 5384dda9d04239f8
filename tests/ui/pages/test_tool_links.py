"""The "Lab tools" row: the browser opens the link URL, the UI server probes the probe URL.

In the cluster the two differ (Tilt's `localhost` forwards against the Services' names); here the link
points where nothing listens and the probe at a stub that answers, so the chip tells which was probed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.live import free_port
from tests.ui.conftest import UI_MAIN
from tests.ui.stub import Reply, stub_server

# The UI's backends are processes and servers on 127.0.0.1: the tiny-model service, stand-ins (tests/ui/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]
NOWHERE = f"http://127.0.0.1:{free_port()}"
PROMETHEUS_LINK = f"http://localhost:{free_port()}"  # not lab.json's port: nothing of the lab is probed


@pytest.fixture
def answering() -> Iterator[str]:
    with stub_server(Reply(200, {})) as url:
        yield url


@pytest.fixture
def ui_env(request: pytest.FixtureRequest, answering: str) -> dict[str, str]:
    """Grafana linked where nothing listens; probed at the stub when the test asks for a probe URL."""
    env = {"INFERLAB_UI_GRAFANA_URL": NOWHERE, "INFERLAB_UI_PROMETHEUS_LINK_URL": PROMETHEUS_LINK}
    return env | ({"INFERLAB_UI_GRAFANA_PROBE_URL": answering} if getattr(request, "param", False) else {})


def chip_of(user: User, marker: str) -> ui.chip:
    link = user.find(marker=marker).elements.pop()
    return next(element for element in link.descendants() if isinstance(element, ui.chip))


async def probed_chip(user: User, marker: str) -> ui.chip:
    """The tool's chip once its probe has answered either way (green, or "not answering"); bounded."""
    await user.should_see(marker=marker, retries=20)
    for _ in range(50):
        chip = chip_of(user, marker)
        if chip.props.get("color") == "green-2" or "not answering" in chip.text:
            return chip
        await asyncio.sleep(0.1)
    return chip_of(user, marker)


@pytest.mark.parametrize("ui_env", [True], indirect=True)
async def test_the_server_probes_the_probe_url_and_the_browser_gets_the_link(user: User) -> None:
    await user.open("/monitor")
    chip = await probed_chip(user, "tool-grafana")
    assert (chip.text, chip.props.get("color")) == ("Grafana", "green-2"), "the stub behind the probe URL answers"
    assert user.find(marker="tool-grafana").elements.pop().props["href"] == NOWHERE


@pytest.mark.parametrize("ui_env", [False], indirect=True)
async def test_without_a_probe_url_the_link_is_probed(user: User) -> None:
    await user.open("/monitor")
    chip = await probed_chip(user, "tool-grafana")
    assert chip.text == "Grafana (not answering)"


@pytest.mark.parametrize("ui_env", [False], indirect=True)
async def test_prometheus_is_queried_at_its_url_and_linked_at_its_link_url(user: User) -> None:
    await user.open("/monitor")
    await user.should_see(marker="tool-prometheus")
    assert user.find(marker="tool-prometheus").elements.pop().props["href"] == PROMETHEUS_LINK
