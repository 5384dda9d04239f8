"""The ramp: add users step by step until the service's objective breaks; the knee is what held.

Each step is judged on Locust's last ~10 s window at its end (p95 and failure ratio), so a step
should last well over 10 s. The knee, the highest rate of a step that held, is the figure to keep:
the most load this service sustains within its objective on this machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

Tick = tuple[int, float] | None


@dataclass(frozen=True)
class Window:
    """What the load looked like over Locust's last ~10 seconds."""

    rate: float
    failure_rate: float
    p95_ms: float | None

    @property
    def failure_ratio(self) -> float:
        return self.failure_rate / self.rate if self.rate else 0.0


@dataclass(frozen=True)
class Objective:
    """The service level a load must hold: p95 latency and failure ratio."""

    max_p95_ms: float
    max_failure_ratio: float

    def held_by(self, window: Window) -> bool:
        if window.rate <= 0 or window.p95_ms is None:
            return False  # nothing answered: that holds nothing
        return window.p95_ms <= self.max_p95_ms and window.failure_ratio <= self.max_failure_ratio


@dataclass(frozen=True)
class Step:
    """One ramp step as judged at its end."""

    users: int
    rate: float
    p95_ms: float | None
    failure_ratio: float
    held: bool


@dataclass
class RampPlan:
    """Add `step_users` every `step_s` until the objective breaks or `max_users` ran a step.

    Each step is judged on its last window; the knee is the highest rate of a step that held.
    """

    step_users: int
    step_s: float
    max_users: int
    spawn_rate: float
    objective: Objective
    steps: list[Step] = field(default_factory=list)
    _users: int = 0
    _step_end_s: float = 0.0

    def __post_init__(self) -> None:
        self._users = min(self.step_users, self.max_users)
        self._step_end_s = self.step_s

    @property
    def duration_s(self) -> float:
        return math.ceil(self.max_users / self.step_users) * self.step_s

    @property
    def finished(self) -> bool:
        return bool(self.steps) and (not self.steps[-1].held or self.steps[-1].users >= self.max_users)

    def tick(self, elapsed_s: float, window: Window | None = None) -> Tick:
        if self.finished:
            return None
        if elapsed_s >= self._step_end_s:
            self.steps.append(self._judge(window or Window(0.0, 0.0, None)))
            if self.finished:
                return None
            self._users = min(self._users + self.step_users, self.max_users)
            self._step_end_s += self.step_s
        return self._users, self.spawn_rate

    def _judge(self, window: Window) -> Step:
        held = self.objective.held_by(window)
        return Step(self._users, window.rate, window.p95_ms, window.failure_ratio, held)


def knee(steps: list[Step]) -> Step | None:
    """The held step with the highest rate, among those before the first step that broke."""
    held: list[Step] = []
    for step in steps:
        if not step.held:
            break
        held.append(step)
    return max(held, key=lambda step: step.rate, default=None)


def window_of(total: Any) -> Window:
    """The window of Locust's aggregated `StatsEntry` (read by attribute: no Locust import here)."""
    p95 = total.get_current_response_time_percentile(0.95)
    return Window(float(total.current_rps), float(total.current_fail_per_sec), None if p95 is None else float(p95))
