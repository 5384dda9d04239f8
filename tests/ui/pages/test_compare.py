"""The compare page: one image, two model versions served by the real service, side by side."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.fixtures import solid_jpeg
from tests.ui.conftest import UI_MAIN

# The UI's backends are processes and servers on 127.0.0.1: the tiny-model service, stand-ins (tests/ui/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]
ANSWER_RETRIES = 40


async def test_two_versions_answer_side_by_side_with_their_agreement(user: User) -> None:
    await user.open("/compare")
    await user.should_see(marker="model-b", content="tiny · 2", retries=ANSWER_RETRIES)  # B defaults to the other
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("red.jpg", "image/jpeg", solid_jpeg((220, 20, 20)))])
    await user.should_see(marker="agreement", content="Top-1 agrees: red", retries=ANSWER_RETRIES)
    await user.should_see(marker="side-b")
    for side, version in (("a", "tiny · 1"), ("b", "tiny · 2")):
        with user.scope(marker=f"side-{side}"):
            await user.should_see(version)
    table = user.find(marker="deltas").elements.pop()
    assert table.rows[0]["label"] == "red"
    assert {row["delta"] for row in table.rows} == {"+0.0%"}  # the same weights under two versions


async def test_a_sample_goes_to_both_models(user: User) -> None:
    await user.open("/compare")
    await user.should_see(marker="model-a", content="tiny · 1", retries=ANSWER_RETRIES)
    user.find(marker="sample-espresso.png").trigger("click")
    await user.should_see(marker="agreement", retries=ANSWER_RETRIES)
    await user.should_see("espresso.png")


@pytest.mark.parametrize("backend", ["down"], indirect=True)
async def test_each_side_explains_its_failure(user: User) -> None:
    await user.open("/compare")
    user.find(marker="sample-cat.jpg").trigger("click")
    await user.should_see(marker="side-b", retries=ANSWER_RETRIES)
    for side in ("a", "b"):
        with user.scope(marker=f"side-{side}"):
            await user.should_see(marker="error", content="Service down", retries=ANSWER_RETRIES)
    await user.should_not_see(marker="agreement")
