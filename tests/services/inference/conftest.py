"""Fixtures of the inference service's tests: a loaded tiny model and Litestar test clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from litestar.testing import TestClient

from services.inference.app import create_app
from services.inference.runtime import OnnxClassifier
from services.inference.settings import ServiceSettings
from tests.fixtures import write_tiny_classifier

# Explicit values for everything the tests depend on, so that INFERLAB_* variables of the shell do not leak in.
TEST_SETTINGS = {
    "workers": 2,
    "queue_size": 8,
    "retry_after_s": 1,
    "batch_max_size": 1,
    "max_body_bytes": 2**20,
    "max_image_pixels": 1_000_000,
    "max_batch_images": 4,
    "default_top_k": 3,
    "warmup_runs": 1,
}

ClientFactory = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture(scope="module")
def tiny_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny model file per test module (the models are only read)."""
    return write_tiny_classifier(tmp_path_factory.mktemp("models"))


@pytest.fixture
def tiny_model(tiny_model_file: Path) -> Iterator[OnnxClassifier]:
    model = OnnxClassifier(tiny_model_file, max_image_pixels=TEST_SETTINGS["max_image_pixels"])
    model.load()
    model.warmup(1)
    yield model
    model.unload()


def service_settings(models: list[Path], **overrides: object) -> ServiceSettings:
    return ServiceSettings(models=[str(path) for path in models], **{**TEST_SETTINGS, **overrides})


@contextmanager
def running_service(models: list[Path], **overrides: object) -> Iterator[TestClient]:
    """The app of `create_app`, started (lifespan run) and stopped around the block."""
    with TestClient(create_app(service_settings(models, **overrides))) as client:
        yield client


@pytest.fixture(scope="session")
def settings_for() -> Callable[..., ServiceSettings]:
    """`settings_for(models, **changes)`: the tests' settings of a service of these model files."""
    return service_settings


@pytest.fixture
def make_client(tiny_model_file: Path) -> ClientFactory:
    """`make_client(**settings)`: a started service of the tiny model with some settings changed."""

    def make(models: list[Path] | None = None, **overrides: object) -> AbstractContextManager[TestClient]:
        return running_service(models or [tiny_model_file], **overrides)

    return make


@pytest.fixture(scope="module")
def client(tiny_model_file: Path) -> Iterator[TestClient]:
    """A service of the tiny model shared by a module's tests that do not change its state."""
    with running_service([tiny_model_file]) as client:
        yield client
