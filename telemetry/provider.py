"""One place that sets up OpenTelemetry metrics for a process, on a registry that is passed in.

The Prometheus reader exports on that registry (tests give each app a fresh one); Views give
every histogram the explicit boundaries declared in `instruments`. Process CPU, memory and GC
come from prometheus_client's own collectors on the same registry.
"""

from __future__ import annotations

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector

from telemetry.instruments import ALL, Kind


def histogram_views() -> list[View]:
    return [
        View(instrument_name=i.name, aggregation=ExplicitBucketHistogramAggregation(boundaries=i.boundaries))
        for i in ALL
        if i.kind is Kind.HISTOGRAM
    ]


def create_meter_provider(registry: CollectorRegistry, attributes: dict[str, str]) -> MeterProvider:
    """A MeterProvider whose metrics appear on `registry`, with the process collectors beside them.

    Resource attributes (service name, version) go to the `target_info` series, not to every
    sample, so they cost nothing per request.
    """
    # No otel_scope_* labels: one scope per process, and they would repeat on every series.
    reader = PrometheusMetricReader(registry=registry, scope_info_enabled=False)
    ProcessCollector(registry=registry)
    GCCollector(registry=registry)
    PlatformCollector(registry=registry)
    return MeterProvider(metric_readers=[reader], resource=Resource.create(attributes), views=histogram_views())
