"""A real PostgreSQL for the tests (the lab's own launcher), one server per session, one database per test."""

from __future__ import annotations

import itertools
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from lab.tools.postgres import LocalPostgres

STOP_TIMEOUT_S = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server_folder(prefix: str = "inferlab-postgres-") -> Iterator[Path]:
    """A folder for a server's data, outside pytest's: pytest keeps its own owner-only (and a session that
    starts meanwhile makes it so again), while as root the server runs as an account of its own that must
    reach its folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o711)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def running_postgres(data_dir: Path, port: int | None = None) -> Iterator[LocalPostgres]:
    server = LocalPostgres(data_dir, port or free_port())
    server.init()
    process = server.start(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server.wait_ready(process)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_numbers = itertools.count()


def fresh_database(server: LocalPostgres) -> str:
    """A new empty database on the server; its URL."""
    name = f"test_{next(_numbers)}"
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return server.url(name)
