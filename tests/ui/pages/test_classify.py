"""The classify page against the real service (tiny model), a stopped one, and stubs for 503s and hangs."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.fixtures import encode, solid, solid_jpeg
from tests.ui.conftest import UI_MAIN

pytestmark = [pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]
ANSWER_RETRIES = 40  # 4 s: the service's answer arrives in a background task


async def drop(user: User, *files: tuple[str, bytes]) -> None:
    """What the browser's upload does: hand the files to the upload element's handlers."""
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload(name, "image/*", data) for name, data in files])


async def test_an_uploaded_image_shows_its_label_model_and_timings(user: User) -> None:
    await user.open("/")
    await drop(user, ("red.jpg", solid_jpeg((220, 20, 20))))
    await user.should_see(marker="top-label", content="red", retries=ANSWER_RETRIES)
    await user.should_see(marker="model", content="tiny · 1")
    await user.should_see(marker="round-trip")
    await user.should_see(content="inference")
    assert len(user.find(marker="prediction").elements) == 4  # top-5 of a 4-class model
    assert len(user.find(marker="history-item").elements) == 1


async def test_a_sample_photo_is_one_click_away(user: User) -> None:
    await user.open("/")
    user.find(marker="sample-cat.jpg").trigger("click")
    await user.should_see(marker="top-label", retries=ANSWER_RETRIES)
    await user.should_see("cat.jpg")


async def test_several_files_each_get_a_history_entry(user: User) -> None:
    await user.open("/")
    await drop(user, ("green.png", encode(solid((20, 200, 20)))), ("blue.webp", encode(solid((20, 20, 220)), "WEBP")))
    await user.should_see("This session (2)", retries=ANSWER_RETRIES)
    await user.should_see(marker="top-label", content="blue")  # the last one is shown
    await user.should_see(marker="history-green.png")


async def test_a_history_entry_shows_its_result_again(user: User) -> None:
    await user.open("/")
    await drop(user, ("green.png", encode(solid((20, 200, 20)))))
    await user.should_see(marker="top-label", content="green", retries=ANSWER_RETRIES)
    await drop(user, ("blue.png", encode(solid((20, 20, 220)))))
    await user.should_see(marker="top-label", content="blue", retries=ANSWER_RETRIES)
    user.find(marker="history-green.png").trigger("click")
    await user.should_see(marker="top-label", content="green")


async def test_the_chosen_model_version_answers(user: User) -> None:
    await user.open("/")
    await user.should_see(marker="model-select", content="tiny · 1 (default)", retries=ANSWER_RETRIES)
    user.find(marker="model-select").elements.pop().set_value("tiny:2")
    await drop(user, ("red.png", encode(solid((220, 20, 20)))))
    await user.should_see(marker="model", content="tiny · 2", retries=ANSWER_RETRIES)


async def test_not_an_image_is_explained_inline(user: User) -> None:
    await user.open("/")
    await drop(user, ("notes.png", b"these are words, not pixels"))
    await user.should_see(marker="error", content="Not an image the service can read", retries=ANSWER_RETRIES)
    await user.should_see(content="not an image that can be decoded")  # the service's own words
    await user.should_not_see(marker="top-label")


async def test_an_image_over_the_services_pixel_limit_is_too_large(user: User) -> None:
    await user.open("/")
    await drop(user, ("huge.png", encode(solid((1, 2, 3), (600, 600)))))
    await user.should_see(marker="error", content="Too large", retries=ANSWER_RETRIES)
    await user.should_see(content="the limit is 200,000")


@pytest.mark.parametrize("ui_env", [{"INFERLAB_UI_MAX_UPLOAD_BYTES": "2048"}])
async def test_a_file_over_the_uis_limit_is_refused_before_sending(user: User) -> None:
    await user.open("/")
    await drop(user, ("big.png", bytes(4096)))
    await user.should_see(marker="error", content="Too large", retries=ANSWER_RETRIES)
    await user.should_see(content="the limit is 2,048")


async def test_a_file_the_browser_rejected_is_reported(user: User) -> None:
    await user.open("/")
    user.find(ui.upload).trigger("rejected")
    await user.should_see(marker="error", content="Too large")


@pytest.mark.parametrize(
    ("backend", "title", "detail"),
    [
        ("down", "Service down", "is the inference service running?"),
        ("overloaded", "Service overloaded: retry in 7 s", "the queue is full"),
        ("slow", "Timed out", "did not answer within 0.3 s"),
    ],
    indirect=["backend"],
)
async def test_service_failures_are_explained_inline(user: User, title: str, detail: str) -> None:
    await user.open("/")
    await drop(user, ("red.jpg", solid_jpeg((220, 20, 20))))
    await user.should_see(marker="error", content=title, retries=ANSWER_RETRIES)
    await user.should_see(content=detail)
    await user.should_see("This session (1)")  # the failure is recorded, and the page goes on


async def test_an_answer_marked_wrong_shows_on_the_predictions_page_with_its_feedback(user: User) -> None:
    await user.open("/")
    await drop(user, ("red.jpg", solid_jpeg((220, 20, 20))))
    await user.should_see(marker="top-label", content="red", retries=ANSWER_RETRIES)
    pick = next(iter(user.find(marker="feedback-pick").elements))
    prediction_id = next(m for m in pick._markers if m.startswith("feedback-pick-")).removeprefix("feedback-pick-")
    user.find(marker=f"feedback-pick-{prediction_id}").trigger("focus")
    await user.should_see(marker=f"feedback-classes-{prediction_id}", retries=ANSWER_RETRIES)
    user.find(marker=f"feedback-pick-{prediction_id}").elements.pop().value = "blue"
    await user.should_see(content="the right class is blue", retries=ANSWER_RETRIES)
    await user.open("/predictions")
    await user.should_see(marker=f"logged-{prediction_id}", retries=ANSWER_RETRIES)
    await user.should_see(marker="logged-feedback", content="wrong: blue")
