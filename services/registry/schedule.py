"""`canary --every`: the post-deploy check on a schedule, as the cluster's CronJob runs it.

The local lab's `canary` process: it waits for the service to be ready, checks, then checks again
every interval until SIGTERM or SIGINT. A failed round is reported and the schedule goes on; the
Canary dashboard and its alerts say what the rounds found.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from services.registry.errors import RegistryError

READY_PATH = "/v2/health/ready"
READY_POLL_S = 2.0


def wait_until_ready(http: httpx.Client, service_url: str, stop: threading.Event, poll_s: float = READY_POLL_S) -> bool:
    """True once the service says it is ready; False when stopped first. Waits as long as the lab starts."""
    while not stop.is_set():
        try:
            if http.get(service_url.rstrip("/") + READY_PATH).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        stop.wait(poll_s)
    return False


def run_every(check: Callable[[], int], interval_s: float, stop: threading.Event) -> int:
    """`check` now and every `interval_s` until stopped; a round that raises is reported, not fatal."""
    while not stop.is_set():
        try:
            code = check()
        except RegistryError as exc:
            print(f"error: {exc}", file=sys.stderr)
        else:
            print(f"canary round done (exit code {code}); next in {interval_s:g} s", flush=True)
        stop.wait(interval_s)
    return 0


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (a stop, not a crash), handlers restored after."""
    stop = threading.Event()
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
