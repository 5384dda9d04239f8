"""MLflow's store: sqlite by default, the lab's PostgreSQL in make up, any URI given; the wait for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab import layout
from services.registry.backend import backend_store_uri, wait_for_database
from services.registry.errors import RegistryError
from services.registry.settings import RegistrySettings
from tests.postgres import free_port


def test_the_store_is_sqlite_in_the_data_folder_unless_told_otherwise(tmp_path: Path) -> None:
    assert backend_store_uri(RegistrySettings(data_dir=tmp_path)) == f"sqlite:///{tmp_path / 'mlflow.db'}"


def test_make_ups_store_is_the_labs_postgresql(tmp_path: Path) -> None:
    uri = backend_store_uri(RegistrySettings(data_dir=tmp_path, lab_postgres=True))
    assert uri == f"postgresql+psycopg://postgres@127.0.0.1:{layout.port('postgres')}/mlflow"


def test_a_uri_given_wins(tmp_path: Path) -> None:
    given = "postgresql+psycopg://mlflow@db:5432/mlflow"
    assert backend_store_uri(RegistrySettings(backend_store_uri=given, lab_postgres=True)) == given


def test_sqlite_is_not_waited_for(tmp_path: Path) -> None:
    wait_for_database(f"sqlite:///{tmp_path / 'none.db'}", timeout_s=0.01)  # returns: nothing to wait for


@pytest.mark.integration
def test_the_wait_returns_once_postgresql_takes_a_connection(database_url: str) -> None:
    wait_for_database(database_url.replace("postgresql://", "postgresql+psycopg://"), timeout_s=10)


@pytest.mark.integration
def test_a_store_that_never_answers_is_an_error_naming_it() -> None:
    with pytest.raises(RegistryError, match=r"does not answer after 0\.5 s"):
        wait_for_database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/mlflow", timeout_s=0.5)
