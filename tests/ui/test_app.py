"""`build()` registers pages and `/healthz`; `python -m ui` starts from its own main file."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from tests.ui.conftest import UI_MAIN

# The UI's backends are processes and servers on 127.0.0.1: the tiny-model service, stand-ins (tests/ui/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]


async def test_healthz_answers_200(user: User) -> None:
    response = await user.http_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/compare", "/monitor"])
async def test_every_page_opens_with_the_navigation(user: User, path: str) -> None:
    await user.open(path)
    for name in ("classify", "compare", "monitor"):
        await user.should_see(marker=f"nav-{name}")


async def test_status_chip_says_ready_when_the_service_is(user: User) -> None:
    await user.open("/")
    await user.should_see("service ready", retries=20)


@pytest.mark.parametrize("backend", ["down"], indirect=True)
async def test_status_chip_says_down_when_nothing_answers(user: User) -> None:
    await user.open("/")
    await user.should_see("service down", retries=20)
