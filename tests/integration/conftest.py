"""Live servers for the integration tests: real processes on 127.0.0.1, stopped after the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import write_tiny_classifier
from tests.live import LiveProcess, inference_server


@pytest.fixture(scope="module")
def tiny_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_classifier(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def tiny_server(tiny_model_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    """The service on the tiny synthetic model, shared by the tests of one module."""
    with inference_server([tiny_model_file], tmp_path_factory.mktemp("logs")) as server:
        yield server
