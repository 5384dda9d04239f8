"""A load shape played on a running master: the plan's users become `POST /swarm`s, its window the master's.

The plans of `shapes.py` only need the clock and the last ~10 s window; here the window is the
master's live one (`GET /stats/requests`), read every `poll_s`. Every plan ends, and a deadline
bounds the loop anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from locustfiles.master_api import Master, State
from locustfiles.shapes import Plan


@dataclass(frozen=True)
class Reading:
    """The master's live figures at one moment (Unix time)."""

    at: float
    state: State


def drive(
    master: Master,
    plan: Plan,
    poll_s: float,
    deadline_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Reading]:
    """Play the plan to its end (or the deadline); answer what the master showed each poll."""
    start, sent, window, readings = clock(), None, None, []
    while clock() - start < deadline_s:
        users = plan.tick(clock() - start, window)
        if users is None:
            break
        if users != sent:
            master.swarm(*users)
            sent = users
        sleep(poll_s)
        reading = Reading(time.time(), master.state())
        readings.append(reading)
        window = reading.state.window
    return readings
