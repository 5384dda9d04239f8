from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import write_tiny_classifier
from tests.postgres import LocalPostgres, fresh_database, running_postgres, server_folder

# NiceGUI's simulated `user` fixture for tests/ui (it must be enabled here: a top-level conftest);
# tests.isolation fails a unit test (no `integration` marker) that starts a process or a server.
pytest_plugins = ["nicegui.testing.user_plugin", "tests.isolation", "pytester"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny_model_path(tmp_path: Path) -> Path:
    return write_tiny_classifier(tmp_path)


@pytest.fixture(scope="session", autouse=True)
def no_mlflow_telemetry() -> Iterator[None]:
    """MLflow reports usage to its makers unless told not to; the CLI and server tell it, and so do the tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        # The prediction log is off unless a test turns it on with a database of its own: a service made by a
        # test must never write into the lab's PostgreSQL, should one run on this machine.
        patch.setenv("INFERLAB_PREDICTIONS_ENABLED", "false")
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LocalPostgres]:
    """One real PostgreSQL server for the session (started on first use, about a second)."""
    with server_folder() as folder, running_postgres(folder / "data") as server:
        yield server


@pytest.fixture
def database_url(postgres_server: LocalPostgres) -> str:
    """An empty database of its own for each test."""
    return fresh_database(postgres_server)
