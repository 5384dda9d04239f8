"""Names the panels spell that are not OpenTelemetry instruments: checked against what really exports them."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from locustfiles.collector import Figures, Snapshot, register
from telemetry.panels.load import LOCUST_NAMES
from telemetry.panels.resources import PROCESS_NAMES
from telemetry.provider import create_meter_provider


def sample_names(registry: CollectorRegistry) -> set[str]:
    text = generate_latest(registry).decode()
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def test_process_and_gc_names_are_those_the_service_exports() -> None:
    registry = CollectorRegistry()
    create_meter_provider(registry, {"service.name": "test"}).shutdown()
    assert set(PROCESS_NAMES) <= sample_names(registry)


def test_locust_names_are_those_its_collector_exports() -> None:
    row = Figures("POST", "/v1/predict", 10, 1, 2.0, 0.5, 10, {0.5: 0.01, 0.95: 0.05, 0.99: 0.08})
    registry = CollectorRegistry()
    register(registry, lambda: Snapshot(users=3, rows=[row], total=row))
    assert set(LOCUST_NAMES) <= sample_names(registry)
