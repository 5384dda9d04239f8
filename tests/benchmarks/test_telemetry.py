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
