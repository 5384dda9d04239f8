"""A running Locust's web API (Locust 2.47, `locust/web.py`), as the remote driver needs it.

`POST /swarm` (user_count, spawn_rate) starts users or changes their number mid-run, `POST /stop` ends
the run, `POST /stats/reset` clears the figures, `GET /stats/requests` is the live state (workers, users,
the last ~10 s window), and the CSV and HTML downloads are what a headless run would have written.
Plain HTTP from the standard library: nothing here imports Locust or gevent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import urlopen

from locustfiles.ramp import Window

# What a headless run leaves (`--csv locust --html report.html`) -> where the web UI serves it.
DOWNLOADS = {
    "locust_stats.csv": "/stats/requests/csv",
    "locust_failures.csv": "/stats/failures/csv",
    "locust_exceptions.csv": "/exceptions/csv",
    "report.html": "/stats/report?download=1",
}


class MasterError(Exception):
    """The master did not answer, or refused; the message says which and where."""


@dataclass(frozen=True)
class State:
    """One reading of `/stats/requests`."""

    state: str
    workers: int | None  # None: a single-process Locust, which has no workers
    users: int
    window: Window
    p50_ms: float | None

    @classmethod
    def of(cls, report: dict[str, Any]) -> State:
        percentiles = report.get("current_response_time_percentiles") or {}
        rate, failures = float(report.get("current_rps") or 0.0), float(report.get("current_fail_per_sec") or 0.0)
        window = Window(rate, failures, percentiles.get("response_time_percentile_0.95"))
        workers = report.get("worker_count")
        return cls(
            state=report["state"],
            workers=None if workers is None else int(workers),
            users=int(report.get("user_count", 0)),
            window=window,
            p50_ms=percentiles.get("response_time_percentile_0.5"),
        )


class Master:
    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def _call(self, path: str, form: dict[str, Any] | None = None) -> bytes:
        """GET `path`, or POST `form` (form-encoded, as the web UI sends it) when there is one."""
        body = None if form is None else urlencode(form).encode()
        try:
            with urlopen(self.url + path, data=body, timeout=self.timeout_s) as response:
                return response.read()
        except HTTPError as exc:
            raise MasterError(f"{self.url}{path}: HTTP {exc.code} {exc.read()[:200]!r}") from exc
        except (URLError, OSError) as exc:
            raise MasterError(f"Locust's master at {self.url} does not answer: {exc}") from exc

    def state(self) -> State:
        return State.of(json.loads(self._call("/stats/requests")))

    def reset(self) -> None:
        self._call("/stats/reset", {})

    def swarm(self, users: int, spawn_rate: float) -> None:
        answer = json.loads(self._call("/swarm", {"user_count": users, "spawn_rate": f"{spawn_rate:g}"}))
        if not answer.get("success"):
            raise MasterError(f"the master refused to start {users} users: {answer.get('message')}")

    def stop(self) -> None:
        self._call("/stop", {})

    def download(self, path: str) -> bytes:
        return self._call(path)
