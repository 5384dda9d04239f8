"""Real-browser tests: Debian's Chromium, driven by Playwright, uploads a cat photo to the UI; and, with
the prediction log on a real PostgreSQL, marks the answer wrong with the right class and finds that on
the Predictions page.

The UI (`python -m ui`) and the service with the real EfficientNet-Lite0 run as processes on
127.0.0.1; the screenshot it leaves is the one the README shows. Everything else about the pages
is tested faster with NiceGUI's simulated user (tests/ui).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.live import REPO, LiveProcess, free_port, inference_server, live_process

pytestmark = pytest.mark.integration
playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`.ci/run` installs it); never `playwright install`
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
MODEL = REPO / "models" / "efficientnet-lite0.onnx"
CAT = REPO / "samples" / "cat.jpg"
CAT_LABELS = {"tabby", "tiger cat", "Egyptian cat"}
# The README's picture is refreshed only on request (INFERLAB_UPDATE_SCREENSHOT=1): a test run
# leaves the work tree as it found it.
README_SCREENSHOT = REPO / "docs" / "screenshots" / "classify.png"
VIEWPORT = {"width": 1280, "height": 860}
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run should install Debian's chromium package")
        pytest.skip(f"no {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def ui_of_a_service(logs: Path, env: dict[str, str] | None = None) -> Iterator[LiveProcess]:
    """The service of the real model (with `env`), and the UI in front of it."""
    with inference_server([MODEL], logs, env=env) as service:
        port = free_port()
        # NiceGUI takes PYTEST_CURRENT_TEST (inherited from here) as "run by pytest" and would not serve.
        command = ["env", "-u", "PYTEST_CURRENT_TEST", sys.executable, "-m", "ui"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--api", service.url]
        env = {f"INFERLAB_UI_{tool}_URL": "" for tool in ("PROMETHEUS", "GRAFANA", "LOCUST", "MLFLOW")}
        with live_process(command, f"http://127.0.0.1:{port}", "/healthz", logs / "ui.log", env=env) as ui:
            yield ui


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    with ui_of_a_service(tmp_path_factory.mktemp("ui-browser-logs")) as ui:
        yield ui


@contextmanager
def browser_page(chromium: Path) -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(WAIT_MS)
            yield page
        finally:
            browser.close()


def test_a_cat_photo_uploaded_in_chromium_is_labelled_a_cat(
    chromium: Path, ui_server: LiveProcess, tmp_path: Path
) -> None:
    with browser_page(chromium) as page:
        page.goto(ui_server.url + "/")
        page.get_by_text("service ready").wait_for()
        page.locator("img[src*='espresso']").click()  # a sample first, so the history shows two
        page.get_by_test_id("top-label").wait_for()
        page.locator("input[type=file]").set_input_files(CAT)
        playwright.expect(page.get_by_text("This session (2)")).to_be_visible()
        label = page.get_by_test_id("top-label").inner_text()
        assert label in CAT_LABELS, f"the cat was labelled {label!r}"
        page.mouse.move(0, VIEWPORT["height"] - 1)  # no hover tooltip in the picture
        page.wait_for_timeout(800)  # and no half-finished transition either
        shot = README_SCREENSHOT if os.environ.get("INFERLAB_UPDATE_SCREENSHOT") else tmp_path / "classify.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000  # a picture of the page, not an empty frame


def test_a_wrong_answer_marked_in_chromium_is_on_the_predictions_page(
    chromium: Path, database_url: str, tmp_path: Path
) -> None:
    env = {"INFERLAB_PREDICTIONS_ENABLED": "true", "INFERLAB_PREDICTIONS_DATABASE_URL": database_url}
    with ui_of_a_service(tmp_path / "logs", env) as ui, browser_page(chromium) as page:
        page.goto(ui.url + "/")
        page.get_by_text("service ready").wait_for()
        page.locator("input[type=file]").set_input_files(CAT)
        label = page.get_by_test_id("top-label").inner_text()
        right = "Egyptian cat" if label != "Egyptian cat" else "tabby"  # say the model was wrong
        page.get_by_test_id("feedback-pick").click()
        page.keyboard.type(right.split()[0])  # the type-ahead narrows the model's 1000 classes
        page.get_by_role("option", name=right, exact=True).click()
        playwright.expect(page.get_by_text(f"thanks: the right class is {right}")).to_be_visible()

        page.goto(ui.url + "/predictions")
        logged = page.get_by_test_id("logged-feedback")
        playwright.expect(logged).to_have_text(f"feedback: wrong: {right}")
        assert page.get_by_test_id("logged-feedback").count() == 1  # one prediction, judged once
