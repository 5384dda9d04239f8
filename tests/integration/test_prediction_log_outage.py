"""The prediction log's database stopped and started again under load: no prediction fails, readiness
holds, every answer is either kept or counted as dropped, and logging resumes by itself.

Real processes: the service (`python -m services.inference`) and the lab's PostgreSQL, stopped with a
fast shutdown while clients keep sending images, then started again on the same data.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from lab.tools.postgres import LocalPostgres
from tests.fixtures import write_tiny_classifier
from tests.live import inference_server
from tests.postgres import free_port, server_folder, stop
from tests.services.inference.api.test_v1 import RED, png

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
CLIENTS = 2
PHASE_TIMEOUT_S = 60.0
RESTART_TRIES = 5


def log_counts(base_url: str) -> dict[str, float]:
    """written, and dropped by reason, from the service's /metrics."""
    counts: dict[str, float] = Counter()
    for family in text_string_to_metric_families(httpx.get(f"{base_url}/metrics").text):
        for sample in family.samples:
            if sample.name == "inferlab_prediction_log_written_total":
                counts["written"] += sample.value
            elif sample.name == "inferlab_prediction_log_dropped_total":
                counts[f"dropped_{sample.labels['reason']}"] += sample.value
    return counts


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {PHASE_TIMEOUT_S:.0f} s: {what}")
        time.sleep(0.1)


class Load:
    """Clients sending one image after another until told to stop; every status is kept."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]

    def _client(self) -> None:
        image = png(RED)
        with httpx.Client(timeout=10) as client:
            deadline = time.monotonic() + 4 * PHASE_TIMEOUT_S  # stops by itself whatever happens
            while not self._stop.is_set() and time.monotonic() < deadline:
                status = client.post(f"{self.url}/v1/predict", content=image,
                                     headers={"Content-Type": "image/png"}).status_code  # fmt: skip
                with self._lock:
                    self.statuses[status] += 1

    @property
    def answered(self) -> int:
        with self._lock:
            return sum(self.statuses.values())

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(15)


def restart(database: LocalPostgres, server_log: BinaryIO, log_path: Path) -> subprocess.Popen:
    """Start the server again on its port, which was free to anyone while it was down: a few tries, then
    the server's own words."""
    for _ in range(RESTART_TRIES):
        postgres = database.start(stdout=server_log, stderr=subprocess.STDOUT)
        try:
            database.wait_ready(postgres)
            return postgres
        except RuntimeError:
            time.sleep(0.5)
    raise AssertionError(f"PostgreSQL did not start again: {log_path.read_text()[-2000:]}")


def test_the_database_stops_and_starts_under_load_and_no_prediction_fails(tmp_path: Path) -> None:
    with server_folder() as folder, (tmp_path / "postgres.log").open("ab") as server_log:
        outage_under_load(LocalPostgres(folder / "data", free_port()), server_log, tmp_path)


def outage_under_load(database: LocalPostgres, server_log: BinaryIO, tmp_path: Path) -> None:
    database.init()
    postgres = database.start(stdout=server_log, stderr=subprocess.STDOUT)
    try:
        database.wait_ready(postgres)
        database.create_databases("inferlab")
        env = {
            "INFERLAB_PREDICTIONS_ENABLED": "true",
            "INFERLAB_PREDICTIONS_DATABASE_URL": database.url("inferlab"),
            "INFERLAB_PREDICTIONS_RECONNECT_S": "0.5",
            "INFERLAB_PREDICTIONS_FLUSH_INTERVAL_S": "0.05",
        }
        model = write_tiny_classifier(tmp_path)
        with inference_server([model], tmp_path / "logs", env=env) as service:
            with Load(service.url) as load:
                wait_until(lambda: log_counts(service.url)["written"] >= 20, "the log writes while the database is up")

                stop(postgres)  # a fast shutdown, the clients still sending
                before = load.answered
                wait_until(lambda: load.answered >= before + 50, "answers while the database is down")
                wait_until(lambda: log_counts(service.url)["dropped_sink_down"] > 0, "the drops counted")
                ready = httpx.get(f"{service.url}/v2/health/ready")
                assert ready.status_code == 200 and ready.json()["prediction_log"]["postgres"]["up"] is False

                postgres = restart(database, server_log, tmp_path / "postgres.log")
                written = log_counts(service.url)["written"]
                wait_until(lambda: log_counts(service.url)["written"] > written + 20, "the log writing again")
                ready = httpx.get(f"{service.url}/v2/health/ready")
                assert ready.json()["prediction_log"]["postgres"]["up"] is True

            assert set(load.statuses) == {200}, load.statuses  # not one prediction failed

            # Every answer is accounted for: in the database, or counted as dropped (none lost unseen).
            def accounted() -> bool:
                counts = log_counts(service.url)
                return counts["written"] + counts["dropped_sink_down"] + counts["dropped_buffer_full"] == load.answered

            wait_until(accounted, "every answer written or counted as dropped")
            with psycopg.connect(database.url("inferlab")) as connection:
                (rows,) = connection.execute("SELECT count(*) FROM predictions").fetchone()
            assert rows == log_counts(service.url)["written"]
    finally:
        stop(postgres)
