from __future__ import annotations

from types import SimpleNamespace

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from locustfiles.collector import Figures, Snapshot, figures_of, register

UPLOAD = Figures("POST", "/v1/predict (cat.jpg)", 40, 2, 4.5, 2.0, 40, {0.5: 0.03, 0.95: 0.12, 0.99: 0.2})
INFER = Figures("POST", "/v2/models/[model]/infer (fp32)", 10, 0, 1.5, 0.1, 10, {})
TOTAL = Figures("", "Aggregated", 50, 2, 6.0, 2.1, 50, {0.5: 0.025, 0.95: 0.1, 0.99: 0.19})


@pytest.fixture
def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    register(registry, lambda: Snapshot(users=7, rows=[UPLOAD, INFER], total=TOTAL))
    return registry


def test_users_and_counters_by_request_name(registry: CollectorRegistry) -> None:
    upload = {"method": "POST", "name": "/v1/predict (cat.jpg)"}
    assert registry.get_sample_value("locust_users") == 7
    assert registry.get_sample_value("locust_requests_total", upload) == 40
    assert registry.get_sample_value("locust_request_failures_total", upload) == 2
    assert registry.get_sample_value("locust_current_requests_per_second", upload) == 4.5
    assert registry.get_sample_value("locust_current_total_requests_per_second") == 6.0


def test_response_times_are_summaries_in_seconds(registry: CollectorRegistry) -> None:
    upload = {"method": "POST", "name": "/v1/predict (cat.jpg)"}
    assert registry.get_sample_value("locust_response_time_seconds", {**upload, "quantile": "0.95"}) == 0.12
    assert registry.get_sample_value("locust_response_time_seconds_count", upload) == 40
    assert registry.get_sample_value("locust_response_time_seconds_sum", upload) == 2.0
    assert registry.get_sample_value("locust_total_response_time_seconds", {"quantile": "0.99"}) == 0.19


def test_a_row_without_a_window_yet_has_no_quantile_samples(registry: CollectorRegistry) -> None:
    infer = {"method": "POST", "name": "/v2/models/[model]/infer (fp32)"}
    assert registry.get_sample_value("locust_response_time_seconds", {**infer, "quantile": "0.5"}) is None
    assert registry.get_sample_value("locust_response_time_seconds_count", infer) == 10


def test_the_exposition_parses_as_prometheus_text(registry: CollectorRegistry) -> None:
    families = {f.name: f.type for f in text_string_to_metric_families(generate_latest(registry).decode())}
    assert families["locust_requests"] == "counter"
    assert families["locust_response_time_seconds"] == "summary"
    assert families["locust_users"] == "gauge"


def entry(method, name, requests, failures, window_ms):
    return SimpleNamespace(
        method=method,
        name=name,
        num_requests=requests,
        num_none_requests=1,
        num_failures=failures,
        current_rps=requests / 10,
        total_response_time=requests * 20.0,
        get_current_response_time_percentile=lambda q: window_ms,
    )


def test_figures_are_copied_from_a_locust_runner() -> None:
    upload = entry("POST", "/v1/predict (cat.jpg)", 30, 1, 120)
    models = entry("GET", "/v1/models (setup)", 2, 0, None)
    stats = SimpleNamespace(
        entries={(upload.name, "POST"): upload, (models.name, "GET"): models},
        total=entry("", "Aggregated", 32, 1, 110),
    )
    snapshot = figures_of(SimpleNamespace(user_count=3, stats=stats))
    assert snapshot.users == 3
    assert [row.name for row in snapshot.rows] == ["/v1/models (setup)", "/v1/predict (cat.jpg)"]
    first = snapshot.rows[1]
    assert (first.requests, first.failures, first.current_rate) == (30, 1, 3.0)
    assert (first.response_time_sum_s, first.response_time_count) == (0.6, 29)
    assert first.current_quantiles_s == {0.5: 0.12, 0.95: 0.12, 0.99: 0.12}
    assert snapshot.rows[0].current_quantiles_s == {}
