"""The Predictions page against the log's real routes (a real PostgreSQL behind a real HTTP server)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from litestar import Litestar
from nicegui import ui
from nicegui.testing import User
from PIL import Image
from prometheus_client import CollectorRegistry

from services.predictions.api import prediction_routes
from services.predictions.log import PredictionLog
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.settings import PredictionLogSettings
from tests.fixtures import TINY_LABELS
from tests.live import free_port
from tests.services.predictions.events import event
from tests.ui.conftest import UI_MAIN

pytestmark = [pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN), pytest.mark.integration]
RETRIES = 40
START_TIMEOUT_S = 10


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def logged(database_url: str) -> Iterator[tuple[PredictionLog, list]]:
    log = PredictionLog(
        PredictionLogSettings(database_url=database_url),
        PredictionLogMetrics(CollectorRegistry()),
        lambda model, version: TINY_LABELS,
    )
    log.start()
    events = [event("red", 0.9, image=jpeg()), event("blue", 0.3, seconds=1), event("grey", 0.6, seconds=2)]
    for e in events:
        log.record(e)
    assert log.flush()
    yield log, events
    log.stop()


@pytest.fixture
def backend(logged) -> Iterator[list[str]]:
    """The UI's --api: a server of the log's routes alone, on 127.0.0.1."""
    log, _ = logged
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(Litestar([prediction_routes(log)]), "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.02)  # bounded: the server's own flag says when it listens
    assert server.started, "the log's server did not start"
    yield ["--api", f"http://127.0.0.1:{port}"]
    server.should_exit = True
    thread.join(START_TIMEOUT_S)


def shown_labels(user: User) -> list[str]:
    """The labels in the order the page drew them (elements are numbered as they are made)."""
    return [e.text for e in sorted(user.find(marker="logged-label").elements, key=lambda e: e.id)]


async def test_the_log_is_listed_newest_first_with_thumbnails(user: User, logged) -> None:
    _, events = logged
    await user.open("/predictions")
    await user.should_see(marker=f"logged-{events[0].id}", retries=RETRIES)
    assert shown_labels(user) == ["grey", "blue", "red"]
    assert len(user.find(ui.image).elements) == 1  # only the first kept an image


async def test_filters_narrow_the_list(user: User, logged) -> None:
    await user.open("/predictions")
    await user.should_see(marker="logged-label", content="grey", retries=RETRIES)
    user.find(marker="f-label").type("blue")
    user.find(marker="f-show").click()
    await user.should_not_see(marker="logged-label", content="grey", retries=RETRIES)
    assert shown_labels(user) == ["blue"]


async def test_marking_an_answer_right_or_wrong_is_kept(user: User, logged) -> None:
    log, events = logged
    right, wrong = events[0].id, events[1].id
    await user.open("/predictions")
    await user.should_see(marker=f"logged-{right}", retries=RETRIES)
    user.find(marker=f"feedback-right-{right}").click()
    await user.should_see(marker=f"feedback-state-{right}", content="marked right", retries=RETRIES)
    assert log.get(right)["feedback_correct"] is True
    user.find(marker=f"feedback-pick-{wrong}").trigger("focus")
    await user.should_see(marker=f"feedback-classes-{wrong}", retries=RETRIES)  # the classes came
    user.find(marker=f"feedback-pick-{wrong}").elements.pop().value = "green"
    await user.should_see(marker=f"feedback-state-{wrong}", content="the right class is green", retries=RETRIES)
    row = log.get(wrong)
    assert (row["feedback_label"], row["feedback_correct"]) == ("green", False)
