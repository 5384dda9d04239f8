"""The remote driver without a Locust: plans played on a fake master, its answers parsed, files written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from locustfiles.master_api import DOWNLOADS, MasterError, State
from locustfiles.ramp import Objective, RampPlan, Window
from locustfiles.remote import RemoteSettings, drained, wait_until_ready
from locustfiles.remote_files import write_files
from locustfiles.remote_plan import drive
from locustfiles.shapes import Drained, spike, steady
from locustfiles.summary import read_steps

REPORT = {
    "state": "running",
    "worker_count": 2,
    "user_count": 4,
    "current_rps": 12.5,
    "current_fail_per_sec": 0.5,
    "current_response_time_percentiles": {"response_time_percentile_0.5": 20, "response_time_percentile_0.95": 80},
}
HEALTHY = Window(10.0, 0.0, 50.0)


class FakeMaster:
    """Answers like Locust's web API; remembers what it was told."""

    url = "http://master.test"

    def __init__(self, window: Window = HEALTHY, states: list[str] | None = None) -> None:
        self.swarms: list[tuple[int, float]] = []
        self.window = window
        self.states = states or ["stopped"]

    def swarm(self, users: int, spawn_rate: float) -> None:
        self.swarms.append((users, spawn_rate))

    def state(self, workers: int | None = 1) -> State:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return State(state, workers, self.swarms[-1][0] if self.swarms else 0, self.window, 10.0)

    def download(self, path: str) -> bytes:
        return f"downloaded {path}\n".encode()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_report_of_the_master_becomes_its_state_and_window() -> None:
    state = State.of(REPORT)
    assert (state.state, state.workers, state.users, state.p50_ms) == ("running", 2, 4, 20)
    assert state.window == Window(12.5, 0.5, 80)
    assert State.of({"state": "ready"}).workers is None, "a single-process Locust has no workers to wait for"


def test_each_change_of_the_plan_is_one_swarm_and_the_run_ends_with_the_plan() -> None:
    clock, master = Clock(), FakeMaster()
    readings = drive(master, drained(spike(8, 2.0, 6.0)), 1.0, 60.0, clock, clock.sleep)
    assert master.swarms == [(2, 2.0), (8, 8.0), (2, 8.0), (0, 100.0)]
    assert 9 <= len(readings) <= 11 and clock.now < 12


def test_the_ramp_judges_its_steps_on_the_masters_window() -> None:
    clock, master = Clock(), FakeMaster(window=Window(10.0, 0.0, 2000.0))  # p95 over the objective
    plan = RampPlan(2, 5.0, 10, 2.0, Objective(max_p95_ms=1000, max_failure_ratio=0.01))
    drive(master, plan, 1.0, 60.0, clock, clock.sleep)
    assert [step.held for step in plan.steps] == [False] and master.swarms == [(2, 2.0)]


def test_the_deadline_bounds_a_plan_that_would_run_on() -> None:
    clock, master = Clock(), FakeMaster()
    drive(master, steady(4, 4.0, 3600.0), 1.0, 10.0, clock, clock.sleep)
    assert clock.now == pytest.approx(10.0)


def test_a_master_without_workers_or_with_a_run_going_is_refused() -> None:
    settings = RemoteSettings(workers_wait_s=0, poll_s=0.01)

    class NoWorkers(FakeMaster):
        def state(self, workers: int | None = 0) -> State:
            return super().state(workers=0)

    with pytest.raises(MasterError, match="no worker connected"):
        wait_until_ready(NoWorkers(), settings)
    with pytest.raises(MasterError, match="is running a test"):
        wait_until_ready(FakeMaster(states=["running"]), settings)
    wait_until_ready(FakeMaster(states=["ready"]), settings)


def test_the_files_of_a_headless_run_are_written(tmp_path: Path) -> None:
    clock, master = Clock(), FakeMaster()
    plan = Drained(RampPlan(2, 5.0, 4, 2.0, Objective(1000, 0.01)), 4.0)
    readings = drive(master, plan, 1.0, 60.0, clock, clock.sleep)
    write_files(master, tmp_path, plan, readings, poll_s=0.01)
    assert {p.name for p in tmp_path.iterdir()} >= set(DOWNLOADS) | {"locust_stats_history.csv", "ramp_steps.json"}
    with (tmp_path / "locust_stats_history.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(readings) and {row["Name"] for row in rows} == {"Aggregated"} and rows[0]["95%"] == "50"
    assert [step.users for step in read_steps(tmp_path / "ramp_steps.json")] == [2, 4]
