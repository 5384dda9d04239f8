"""The UI under NiceGUI's simulated `user`, built by its real entry point and backed by real processes.

The `user` fixture (the `nicegui.testing.user_plugin`, enabled in `tests/conftest.py`) runs the main
file `ui/__main__.py`; the fixtures below choose its command line first: `backend` says what the
service URL points at (the tiny-model service, nothing, or a stub for 503s and hangs), `prometheus`
likewise, `ui_env` adds settings that have no flag. Tests pick them with indirect parametrization.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from nicegui.testing import User

from tests.fixtures import write_tiny_classifier
from tests.live import LiveProcess, free_port, inference_server
from tests.postgres import LocalPostgres, fresh_database
from tests.ui.stub import Reply, stub_server

# Modules using `user` declare `pytestmark = [pytest.mark.anyio, pytest.mark.nicegui_main_file(UI_MAIN)]`.
UI_MAIN = "ui/__main__.py"
UI_TIMEOUT_S = 2.0
MAX_IMAGE_PIXELS = 200_000  # above every sample photo, below the "too large" test image
SLOW_TIMEOUT_S = 0.3

# The lab's other tools stay unconfigured, so no test probes whatever listens on their lab.json ports.
NO_TOOL_LINKS = {f"INFERLAB_UI_{tool}_URL": "" for tool in ("GRAFANA", "LOCUST", "MLFLOW")}
OVERLOADED = Reply(503, {"error": "All 2 workers are busy and the queue is full."}, {"Retry-After": "7"})
SLOW = Reply(200, {}, delay_s=2.0)
MATRIX = {
    "status": "success",
    "data": {
        "resultType": "matrix",
        "result": [{"metric": {"http_route": "/v1/predict"}, "values": [[1700000000, "1.5"], [1700000015, "2"]]}],
    },
}


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def tiny_service(tmp_path_factory: pytest.TempPathFactory, postgres_server: LocalPostgres) -> Iterator[LiveProcess]:
    """The real service serving two versions of the tiny model (so compare has a pair), logging its answers."""
    models = tmp_path_factory.mktemp("ui-models")
    paths = [write_tiny_classifier(models, f"tiny-{v}.onnx", version=v) for v in ("1", "2")]
    env = {
        "INFERLAB_MAX_IMAGE_PIXELS": str(MAX_IMAGE_PIXELS),
        "INFERLAB_WORKERS": "1",
        "INFERLAB_PREDICTIONS_ENABLED": "true",
        "INFERLAB_PREDICTIONS_DATABASE_URL": fresh_database(postgres_server),
    }
    with inference_server(paths, tmp_path_factory.mktemp("ui-logs"), env=env) as server:
        yield server


@pytest.fixture
def backend(request: pytest.FixtureRequest, tiny_service: LiveProcess) -> Iterator[list[str]]:
    """Flags pointing the UI at a service: "service" (default), "down", "overloaded" or "slow"."""
    kind = getattr(request, "param", "service")
    with ExitStack() as stack:
        if kind == "service":
            yield ["--api", tiny_service.url, "--timeout", str(UI_TIMEOUT_S)]
        elif kind == "down":
            yield ["--api", f"http://127.0.0.1:{free_port()}"]
        elif kind == "overloaded":
            yield ["--api", stack.enter_context(stub_server(OVERLOADED))]
        elif kind == "slow":
            yield ["--api", stack.enter_context(stub_server(SLOW)), "--timeout", str(SLOW_TIMEOUT_S)]
        else:
            raise ValueError(f"unknown backend {kind!r}")


@pytest.fixture
def prometheus(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Flags for Prometheus: "none" (default: not configured), "down", or "up" (a stub with one series)."""
    kind = getattr(request, "param", "none")
    with ExitStack() as stack:
        if kind == "none":
            yield ["--prometheus", ""]
        elif kind == "down":
            yield ["--prometheus", f"http://127.0.0.1:{free_port()}"]
        elif kind == "up":
            yield ["--prometheus", stack.enter_context(stub_server(Reply(200, MATRIX)))]
        else:
            raise ValueError(f"unknown prometheus {kind!r}")


@pytest.fixture
def ui_env() -> dict[str, str]:
    """Extra `INFERLAB_*` variables for the UI; parametrize to change."""
    return {}


@pytest.fixture
def ui_command_line(
    backend: list[str], prometheus: list[str], ui_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `python -m ui` will read: argv, and an environment holding only the test's INFERLAB_* variables."""
    for name in [name for name in os.environ if name.startswith("INFERLAB_")]:
        monkeypatch.delenv(name)
    for name, value in {**NO_TOOL_LINKS, **ui_env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["python -m ui", *backend, *prometheus])


@pytest.fixture(scope="session")
def frozen_heap() -> None:
    """Move what the session has loaded so far out of the garbage collector's sight.

    NiceGUI's `user` runs `gc.collect()` twice per test; with the whole suite's imports on the heap
    that took ~0.3 s each time. Frozen objects are never freed, which a test session can afford.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture
def user(frozen_heap: None, ui_command_line: None, user: User) -> User:
    """NiceGUI's `user`, after the command line is set (argument order makes these run first)."""
    return user
