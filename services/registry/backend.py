"""Where the lab's MLflow server keeps its runs and registry: a sqlite file, or a PostgreSQL database.

In `make up` the store is the lab's PostgreSQL (database `mlflow`, beside the prediction log's), as
production MLflow setups keep theirs; the server waits for it, since both start together.
"""

from __future__ import annotations

import time

import psycopg

from lab import layout
from services.registry.errors import RegistryError
from services.registry.settings import RegistrySettings

LAB_DATABASE = "mlflow"
POLL_S = 0.25


def backend_store_uri(settings: RegistrySettings) -> str:
    if settings.backend_store_uri:
        return settings.backend_store_uri
    if settings.lab_postgres:
        return f"postgresql+psycopg://postgres@127.0.0.1:{layout.port('postgres')}/{LAB_DATABASE}"
    return f"sqlite:///{settings.data_dir.resolve() / 'mlflow.db'}"


def wait_for_database(uri: str, timeout_s: float) -> None:
    """Return once a PostgreSQL store takes a connection (its database may be created a moment after its
    server starts); at once for sqlite. A RegistryError naming the store after `timeout_s`."""
    if not uri.startswith("postgresql"):
        return
    conninfo = uri.replace("postgresql+psycopg://", "postgresql://", 1)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg.connect(conninfo, connect_timeout=2).close()
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise RegistryError(f"MLflow's store does not answer after {timeout_s:g} s: {exc}") from exc
            time.sleep(POLL_S)
