"""`python -m lab.console`: one block that says the lab is up, where to click, and what is missing.

The Procfile runs it beside the lab's processes. It waits until every component of `lab.json` answers
its readiness path (or was skipped, or `wait_s` has passed), prints the block, then keeps watching and
names a component that stops answering or comes back. It stops on SIGTERM or SIGINT, like the rest.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from lab import layout
from lab.settings import ConsoleSettings

PROBE_TIMEOUT_S = 2.0
SKIP_NOTE_MAX_AGE_S = 30.0  # a note older than the console's start by more than this is a past run's


@dataclass(frozen=True)
class Door:
    """Where a person goes to use one component, and what to know there."""

    component: str
    title: str
    path: str = "/"
    note: str = ""


DOORS = (
    Door("ui", "UI", note="upload images, compare the models, watch the service"),
    Door("service", "API docs", "/schema/swagger", "OpenAPI document at /schema/openapi.json"),
    Door("grafana", "Grafana", note="admin's password in data/grafana/admin-password; viewing needs no login"),
    Door("prometheus", "Prometheus", "/alerts", "rules and alerts; the targets at /targets"),
    Door("locust", "Locust", note="start a load test here, or `make load`"),
    Door("mlflow", "MLflow", "/#/models", "the model registry; promote with `python -m services.registry promote`"),
    Door("pushgateway", "Pushgateway", note="the canary's last results (`make canary`)"),
    Door("postgres", "PostgreSQL", "/inferlab", "the prediction log (and MLflow's store); user postgres, no password"),
)


def ready_url(component: str) -> str:
    path = layout.components()[component]["ready"]
    return layout.url(component) + path if path is not None else f"127.0.0.1:{layout.port(component)} (TCP)"


def door_url(door: Door) -> str:
    path = door.path if door.path != "/" else ""
    if layout.components()[door.component]["ready"] is None:  # not a web page: a database's address
        return f"postgresql://127.0.0.1:{layout.port(door.component)}{path}"
    return layout.url(door.component) + path


def probe(http: httpx.Client, component: str) -> bool:
    if layout.components()[component]["ready"] is None:  # no HTTP (PostgreSQL): a connection it takes will do
        try:
            socket.create_connection(("127.0.0.1", layout.port(component)), PROBE_TIMEOUT_S).close()
            return True
        except OSError:
            return False
    try:
        return http.get(ready_url(component)).status_code == 200
    except httpx.HTTPError:
        return False


def skip_notes(data: Path, since: float) -> dict[str, str]:
    """Why each skipped tool did not start, from the notes its launcher left in this run."""
    notes = {}
    for component in layout.components():
        path = layout.skip_note(component, data)
        if path.is_file() and path.stat().st_mtime >= since - SKIP_NOTE_MAX_AGE_S:
            notes[component] = path.read_text().strip()
    return notes


def block(ready: set[str], skipped: Mapping[str, str], took_s: float) -> str:
    """The lines people read: each door that is open, then what is missing and why."""
    doors = [door for door in DOORS if door.component in layout.components()]
    width = max(len(door.title) for door in doors) + 2
    up = [door for door in doors if door.component in ready]
    headline = "inferlab is up" if len(up) == len(doors) else "inferlab is partly up"
    lines = [f"{headline}: {len(up)} of {len(doors)} components ready after {took_s:.0f} s"]
    for door in up:
        url = door_url(door)
        lines.append(f"  {door.title:<{width}}{url:<38} {door.note}".rstrip())
    missing = [door for door in doors if door.component not in ready]
    if missing:
        lines.append("Not running:")
    for door in missing:
        why = skipped.get(door.component) or f"not ready at {ready_url(door.component)}: see its lines above"
        lines.append(f"  {door.title:<{width}}{why}")
    lines.append("Scrapes, health checks and registry polls are not logged (INFERLAB_LOG_PROBES=true logs them).")
    lines.append("Stop everything with Ctrl-C.")
    rule = "=" * min(max(map(len, lines)), 100)
    return "\n".join([rule, *lines, rule])


def wait_for_lab(
    check: Callable[[str], bool], settings: ConsoleSettings, stop: threading.Event, started: float
) -> tuple[set[str], dict[str, str]]:
    """The ready components and the skipped ones, once all are one or the other, the wait is over, or a stop."""
    deadline = time.monotonic() + settings.wait_s
    while True:
        skipped = skip_notes(settings.data_dir, started)
        ready = {name for name in layout.components() if name not in skipped and check(name)}
        if len(ready) + len(skipped) >= len(layout.components()) or time.monotonic() >= deadline:
            return ready, skipped
        if stop.wait(settings.poll_s):
            return ready, skipped


def watch(check: Callable[[str], bool], ready: set[str], settings: ConsoleSettings, stop: threading.Event) -> None:
    """Name each component that stops answering, and each that answers again, until stopped."""
    while not stop.wait(settings.watch_s):
        now = {name for name in layout.components() if check(name)}
        for name in sorted(ready - now):
            print(f"{name} stopped answering at {ready_url(name)}", flush=True)
        for name in sorted(now - ready):
            print(f"{name} is ready at {layout.url(name)}", flush=True)
        ready = now


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> int:
    settings = ConsoleSettings()
    started, started_monotonic = time.time(), time.monotonic()
    with stop_on_signals() as stop, httpx.Client(timeout=PROBE_TIMEOUT_S) as http:
        check = lambda component: probe(http, component)  # noqa: E731
        ready, skipped = wait_for_lab(check, settings, stop, started)
        if stop.is_set():
            return 0
        print(block(ready, skipped, time.monotonic() - started_monotonic), flush=True)
        watch(check, ready, settings, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
