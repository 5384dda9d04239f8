"""The load shapes as plain plans: `tick(elapsed_s, window)` -> (users, spawn rate), or None to stop.

Steady, spike and soak follow a timetable; the ramp (ramp.py) follows what it measures.

Locust's `LoadTestShape` (in `loadshape.py`) only feeds these the clock and the runner's figures, so
every shape is tested here without Locust. Every plan ends: a run can never go on unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from locustfiles.ramp import Objective, RampPlan, Tick, Window
from locustfiles.settings import LoadSettings

# Run lengths when RUN_TIME is not given: long enough for Locust's ~10 s windows to settle.
DEFAULT_SECONDS = {"steady": 60.0, "spike": 90.0, "soak": 1800.0, "none": 60.0}
WORKERS_DRAIN_S = 4.0  # one report interval of Locust's workers (3 s), and some


class Plan(Protocol):
    duration_s: float

    def tick(self, elapsed_s: float, window: Window | None = None) -> Tick: ...


@dataclass(frozen=True)
class Stage:
    until_s: float
    users: int
    spawn_rate: float


@dataclass
class StagedPlan:
    """A fixed timetable of stages: steady, spike and soak."""

    stages: list[Stage]

    @property
    def duration_s(self) -> float:
        return self.stages[-1].until_s

    def tick(self, elapsed_s: float, window: Window | None = None) -> Tick:
        for stage in self.stages:
            if elapsed_s < stage.until_s:
                return stage.users, stage.spawn_rate
        return None


def steady(users: int, spawn_rate: float, duration_s: float) -> StagedPlan:
    """Climb to `users` at `spawn_rate`, hold them until the end (the climb counts in the duration)."""
    return StagedPlan([Stage(duration_s, users, spawn_rate)])


def spike(users: int, spawn_rate: float, duration_s: float) -> StagedPlan:
    """A quarter of the users for a third of the run, all of them at once for a sixth, then back.

    The spike starts every missing user within a second: the point is what a sudden crowd does to
    latency and to the service's queue, and how fast it recovers afterwards.
    """
    baseline = max(1, users // 4)
    return StagedPlan(
        [
            Stage(duration_s / 3, baseline, spawn_rate),
            Stage(duration_s / 2, users, float(users)),
            Stage(duration_s, baseline, float(users)),
        ]
    )


@dataclass
class Drained:
    """Stop the users, then wait `drain_s` before ending: time for Locust's workers to report.

    Workers send their figures every 3 s and the master waits only 0.5 s for a last report when it
    quits; a worker slowed by a busy machine misses that, and its last seconds vanish from the report.
    """

    plan: Plan
    drain_s: float
    _ended_at: float | None = None

    @property
    def duration_s(self) -> float:
        return self.plan.duration_s + self.drain_s

    def tick(self, elapsed_s: float, window: Window | None = None) -> Tick:
        if self._ended_at is None:
            users = self.plan.tick(elapsed_s, window)
            if users is not None:
                return users
            self._ended_at = elapsed_s
        return (0, 100.0) if elapsed_s < self._ended_at + self.drain_s else None


def ramp_of(plan: Plan) -> RampPlan | None:
    """The ramp inside a plan, drained or not: it records the steps it judged."""
    inner = plan.plan if isinstance(plan, Drained) else plan
    return inner if isinstance(inner, RampPlan) else None


def objective_of(settings: LoadSettings) -> Objective:
    return Objective(settings.max_p95_ms, settings.max_failure_ratio)


def plan_for(settings: LoadSettings) -> Plan:
    """The plan the settings ask for, drained when workers run the users (see `Drained`)."""
    plan = _plan(settings)
    return Drained(plan, WORKERS_DRAIN_S) if settings.workers else plan


def _plan(settings: LoadSettings) -> Plan:
    # "none" (Locust's own --users and --run-time) is planned as steady: the run's deadline needs a length.
    duration = settings.run_time or DEFAULT_SECONDS.get(settings.shape, 0.0)
    if settings.shape == "ramp":
        return RampPlan(
            settings.ramp_step_users,
            settings.ramp_step_s,
            settings.users,
            settings.spawn_rate,
            objective_of(settings),
        )
    if settings.shape == "spike":
        return spike(settings.users, settings.spawn_rate, duration)
    return steady(settings.users, settings.spawn_rate, duration)
