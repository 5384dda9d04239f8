from __future__ import annotations

from types import SimpleNamespace

import pytest

from locustfiles.ramp import Objective, RampPlan, Step, Window, knee, window_of

OBJECTIVE = Objective(max_p95_ms=100, max_failure_ratio=0.01)


def ticks(plan, times, window=None):
    return [plan.tick(t, window) for t in times]


def ramp(max_users: int = 6) -> RampPlan:
    return RampPlan(step_users=2, step_s=10, max_users=max_users, spawn_rate=4.0, objective=OBJECTIVE)


def test_ramp_adds_users_while_the_objective_holds() -> None:
    plan, fast = ramp(), Window(rate=10, failure_rate=0, p95_ms=50)
    assert ticks(plan, [0, 9.9, 10, 19.9, 20], fast) == [(2, 4.0), (2, 4.0), (4, 4.0), (4, 4.0), (6, 4.0)]
    assert [step.users for step in plan.steps] == [2, 4]


def test_ramp_stops_at_the_step_that_breaks_and_reports_the_knee() -> None:
    plan = ramp(max_users=20)
    assert plan.tick(10, Window(10, 0, 40)) == (4, 4.0)
    assert plan.tick(20, Window(18, 0, 90)) == (6, 4.0)
    assert plan.tick(30, Window(19, 0, 250)) is None  # p95 broke
    assert plan.tick(31, Window(30, 0, 10)) is None  # and it stays stopped
    assert [s.held for s in plan.steps] == [True, True, False]
    assert knee(plan.steps) == Step(users=4, rate=18, p95_ms=90, failure_ratio=0.0, held=True)


def test_ramp_step_breaks_on_failures_too() -> None:
    plan = ramp()
    assert plan.tick(10, Window(rate=10, failure_rate=0.5, p95_ms=20)) is None
    assert plan.steps[0].failure_ratio == pytest.approx(0.05)
    assert knee(plan.steps) is None


def test_ramp_ends_after_the_last_step_even_when_it_held() -> None:
    plan, fast = ramp(max_users=4), Window(10, 0, 20)
    assert ticks(plan, [0, 10, 20], fast) == [(2, 4.0), (4, 4.0), None]
    assert plan.duration_s == 20


def test_a_step_without_answers_does_not_hold() -> None:
    assert not OBJECTIVE.held_by(Window(rate=0, failure_rate=0, p95_ms=None))
    assert not OBJECTIVE.held_by(Window(rate=5, failure_rate=0, p95_ms=None))


def test_the_knee_is_the_best_rate_before_the_first_break() -> None:
    steps = [
        Step(2, 10, 20, 0, True),
        Step(4, 19, 40, 0, True),
        Step(6, 18, 60, 0, True),  # more users, less throughput: still held
        Step(8, 25, 300, 0, False),
        Step(10, 40, 50, 0, True),  # after the break: never counted
    ]
    assert knee(steps).users == 4
    assert knee([]) is None


def test_the_window_is_read_from_locusts_aggregated_entry() -> None:
    total = SimpleNamespace(
        current_rps=12.5, current_fail_per_sec=0.5, get_current_response_time_percentile=lambda q: q * 100
    )
    assert window_of(total) == Window(12.5, 0.5, 95.0)
    total.get_current_response_time_percentile = lambda q: None  # no window yet
    assert window_of(total).p95_ms is None
