from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from locustfiles.ramp import Step
from locustfiles.settings import LoadSettings
from locustfiles.summary import STEPS_FILE, NoStatistics, drift, summarise
from tests.locustfiles.conftest import DATA


def run_copy(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(DATA / name, tmp_path / name))


def test_figures_come_from_locusts_stats_csv(settings: LoadSettings) -> None:
    summary = summarise(DATA / "passing", settings)
    total = summary.total
    assert (total.requests, total.failures, total.p50_ms, total.p95_ms, total.p99_ms) == (65, 0, 4, 14, 150)
    assert total.rate == pytest.approx(11.04, abs=0.01)
    assert len(summary.rows) == 17
    assert "Aggregated" not in {row.name for row in summary.rows}
    assert summary.passed


def test_failures_and_exceptions_breach_the_thresholds(settings: LoadSettings) -> None:
    summary = summarise(DATA / "failing", settings)
    assert summary.total.failure_ratio == pytest.approx(6 / 53)
    assert summary.exceptions == 2
    assert summary.breaches == [
        "failure ratio 11.32% > 1.00%",
        "2 exceptions in the users' code (see locust_exceptions.csv)",
    ]


def test_p95_over_the_objective_breaches(settings: LoadSettings) -> None:
    summary = summarise(DATA / "passing", settings.model_copy(update={"max_p95_ms": 10}))
    assert summary.breaches == ["p95 14 ms > 10 ms"]


def write_steps(run_dir: Path, steps: list[Step]) -> None:
    (run_dir / STEPS_FILE).write_text(json.dumps([asdict(step) for step in steps]))


def test_a_ramp_is_judged_by_its_knee_not_its_last_step(tmp_path: Path, settings: LoadSettings) -> None:
    run_dir = run_copy(tmp_path, "passing")
    write_steps(run_dir, [Step(2, 9.5, 12, 0, True), Step(4, 11.2, 30, 0, True), Step(6, 11.0, 900, 0, False)])
    summary = summarise(run_dir, settings.model_copy(update={"shape": "ramp", "max_p95_ms": 10}))
    assert summary.knee == Step(4, 11.2, 30, 0, True)
    assert summary.breaches == []  # the overall p95 (14 ms > 10 ms) does not count for a ramp


def test_a_ramp_without_a_held_step_fails(tmp_path: Path, settings: LoadSettings) -> None:
    run_dir = run_copy(tmp_path, "passing")
    write_steps(run_dir, [Step(2, 3.0, 900, 0, False)])
    summary = summarise(run_dir, settings.model_copy(update={"shape": "ramp"}))
    assert summary.knee is None
    assert summary.breaches == ["no ramp step held p95 <= 500 ms"]


def test_no_statistics_is_an_error_that_says_where_to_look(tmp_path: Path, settings: LoadSettings) -> None:
    (tmp_path / "locust_stats.csv").write_text((DATA / "passing" / "locust_stats.csv").read_text().splitlines()[0])
    with pytest.raises(NoStatistics, match=r"locust\.log"):
        summarise(tmp_path, settings)
    with pytest.raises(NoStatistics):
        summarise(tmp_path / "missing", settings)


def test_soak_drift_compares_the_first_and_last_tenth(tmp_path: Path) -> None:
    history = tmp_path / "locust_stats_history.csv"
    rows = ["Timestamp,User Count,Type,Name,Requests/s,95%"]
    rows += [f"{t},4,,Aggregated,10,N/A" for t in range(3)]  # no window yet
    rows += [f"{t},4,,Aggregated,10,{100 + 10 * t}" for t in range(3, 23)]
    rows += [f"{t},4,POST,/v1/predict (cat.jpg),5,9999" for t in range(3)]  # per-request rows are ignored
    history.write_text("\n".join(rows) + "\n")
    assert drift(history) == (135.0, 315.0)
    assert drift(tmp_path / "absent.csv") is None


def test_the_real_history_gives_a_drift_for_soak_runs(settings: LoadSettings) -> None:
    assert summarise(DATA / "passing", settings.model_copy(update={"shape": "soak"})).drift_p95_ms == (14.0, 12.0)
    assert summarise(DATA / "passing", settings).drift_p95_ms is None
