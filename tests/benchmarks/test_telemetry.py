"""The telemetry benchmark's own logic: which profile samples count as recording, the hot path."""

from __future__ import annotations

import pytest

from benchmarks.telemetry import SteadyClock, hot_path_us, recording_share

UVICORN = "run (uvicorn/server.py:70)"
MIDDLEWARE = "http_metrics.<locals>.middleware (services/inference/api/http_metrics.py:36)"
HANDLER = "PredictController.predict (services/inference/api/v1.py:40)"
SDK = "Histogram.record (metrics/_internal/instrument.py:321)"
CLASSIFIED = "ServiceMetrics.predicted (services/inference/metrics.py:110)"
INFER = "Session.run (onnxruntime/capi/onnxruntime_inference_collection.py:406)"


def test_sdk_frames_and_telemetry_leaves_count_but_the_middleware_around_a_request_does_not():
    lines = [
        f"{UVICORN};{MIDDLEWARE};{HANDLER} 50",  # the request itself, under the middleware
        f"{UVICORN};{MIDDLEWARE};{SDK} 3",  # recording the duration
        f"{UVICORN};{CLASSIFIED} 2",  # our own recording code at the leaf
        f"thread (inference_0);{INFER} 45",
    ]
    share, samples = recording_share(lines)
    assert samples == 100
    assert share == pytest.approx(0.05)


def test_no_samples_give_no_share():
    assert recording_share([]) is None


def test_the_steady_clock_advances_one_request_per_reading():
    clock = SteadyClock(rate=4)
    assert [clock(), clock(), clock()] == [0.25, 0.5, 0.75]


@pytest.mark.parametrize("budget", [0.0, 10.0])
def test_the_hot_path_runs_on_a_fresh_registry(budget):
    assert hot_path_us(budget, rate=100, requests=20) > 0


def test_a_comparison_pairs_rounds_and_takes_medians():
    from benchmarks.telemetry import Comparison, Runs

    on = Runs(rates=[90.0, 100.0, 50.0], cpu_ms=[5.5, 5.0, 6.0])
    off = Runs(rates=[100.0, 100.0, 100.0], cpu_ms=[5.0, 5.0, 5.0])
    compared = Comparison.of(on, off)
    assert compared.ratio == 0.9  # 0.9, 1.0 and 0.5 paired round by round, not a ratio of medians (1.0)
    assert compared.cpu_extra_ms == 0.5
    assert len(compared.quartiles) == 3


def test_the_runs_table_has_a_row_per_service_in_order(capsys):
    from benchmarks.telemetry import Runs, print_runs

    print_runs(
        "telemetry", {"on": Runs(rates=[10.0, 30.0], cpu_ms=[2.0, 4.0]), "off": Runs(rates=[20.0], cpu_ms=[1.0])}
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| telemetry |")
    assert lines[2:] == ["| on | 20.0 | 3.00 | 10, 30 |", "| off | 20.0 | 1.00 | 20 |"]
