from __future__ import annotations

import pytest

from locustfiles.ramp import RampPlan
from locustfiles.settings import LoadSettings
from locustfiles.shapes import DEFAULT_SECONDS, WORKERS_DRAIN_S, Drained, StagedPlan, plan_for, spike, steady


def ticks(plan, times, window=None):
    return [plan.tick(t, window) for t in times]


def test_steady_holds_the_users_then_stops() -> None:
    plan = steady(8, 2.0, 30)
    assert ticks(plan, [0, 15, 29.9, 30, 31]) == [(8, 2.0)] * 3 + [None, None]


def test_spike_jumps_to_all_users_at_once_then_falls_back() -> None:
    plan = spike(20, 2.0, 60)
    assert ticks(plan, [0, 19.9, 20, 29.9, 30, 59.9, 60]) == [
        (5, 2.0), (5, 2.0), (20, 20.0), (20, 20.0), (5, 20.0), (5, 20.0), None,
    ]  # fmt: skip


def test_spike_keeps_at_least_one_user() -> None:
    assert spike(2, 1.0, 30).tick(0) == (1, 1.0)


def test_a_drained_plan_stops_the_users_then_waits_before_ending() -> None:
    plan = Drained(steady(4, 2.0, 10), drain_s=4)
    assert ticks(plan, [0, 9.9, 10.5, 14.4, 14.5, 20]) == [(4, 2.0), (4, 2.0), (0, 100.0), (0, 100.0), None, None]
    assert plan.duration_s == 14


def test_workers_get_a_drained_plan() -> None:
    plan = plan_for(LoadSettings(shape="ramp", workers=2))
    assert isinstance(plan, Drained) and isinstance(plan.plan, RampPlan)
    assert plan.duration_s == plan.plan.duration_s + WORKERS_DRAIN_S
    assert not isinstance(plan_for(LoadSettings(workers=0)), Drained)


@pytest.mark.parametrize("shape", ["steady", "spike", "soak", "none"])
def test_each_shape_runs_for_the_run_time_or_its_default(shape: str) -> None:
    assert plan_for(LoadSettings(shape=shape, run_time=42)).duration_s == 42
    assert plan_for(LoadSettings(shape=shape)).duration_s == DEFAULT_SECONDS[shape]


def test_ramp_is_planned_from_the_settings() -> None:
    plan = plan_for(LoadSettings(shape="ramp", users=9, ramp_step_users=3, ramp_step_s=15, max_p95_ms=250))
    assert isinstance(plan, RampPlan)
    assert (plan.tick(0), plan.duration_s, plan.objective.max_p95_ms) == ((3, 2.0), 45, 250)
    assert isinstance(plan_for(LoadSettings(shape="soak")), StagedPlan)
