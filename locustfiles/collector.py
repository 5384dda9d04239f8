"""Locust's own figures for Prometheus: the offered load, to put beside the service's response in Grafana.

Locust has no exporter, so this collector reads the runner's statistics at each scrape. The figures
are first copied into plain dataclasses (`figures_of`, by attribute: no Locust import here), which
keeps the collector testable with a fresh `CollectorRegistry` and no load test running.

Labels are bounded: `name` is one of the request names the users give (one per kind of upload).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

QUANTILES = (0.5, 0.95, 0.99)
AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class Figures:
    """One statistics row of Locust: a request name, or all of them."""

    method: str
    name: str
    requests: int
    failures: int
    current_rate: float
    response_time_sum_s: float
    response_time_count: int
    current_quantiles_s: dict[float, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    users: int
    rows: list[Figures]
    total: Figures


def _figures(entry: Any) -> Figures:
    quantiles = {}
    for q in QUANTILES:
        milliseconds = entry.get_current_response_time_percentile(q)
        if milliseconds is not None:
            quantiles[q] = milliseconds / 1000
    return Figures(
        method=entry.method or "",
        name=entry.name,
        requests=entry.num_requests,
        failures=entry.num_failures,
        current_rate=float(entry.current_rps),
        response_time_sum_s=entry.total_response_time / 1000,
        response_time_count=entry.num_requests - entry.num_none_requests,
        current_quantiles_s=quantiles,
    )


def figures_of(runner: Any) -> Snapshot:
    """A snapshot of a Locust runner (master or local: workers keep no windows)."""
    stats = runner.stats
    rows = [_figures(entry) for _, entry in sorted(stats.entries.items())]
    return Snapshot(users=runner.user_count, rows=rows, total=_figures(stats.total))


def _summary(name: str, documentation: str, labelled: list[tuple[dict[str, str], Figures]]) -> Metric:
    """A Prometheus summary: Locust's ~10 s window quantiles, and the run's count and sum."""
    metric = Metric(name, documentation, "summary")
    for labels, figures in labelled:
        for q, seconds in figures.current_quantiles_s.items():
            metric.add_sample(name, {**labels, "quantile": str(q)}, seconds)
        metric.add_sample(f"{name}_count", labels, figures.response_time_count)
        metric.add_sample(f"{name}_sum", labels, figures.response_time_sum_s)
    return metric


class LocustCollector(Collector):
    """Collects `read()` at each scrape; `read` is usually `lambda: figures_of(runner)`."""

    def __init__(self, read: Callable[[], Snapshot]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        snapshot = self._read()
        yield GaugeMetricFamily("locust_users", "Simulated users running.", value=snapshot.users)
        labels = ["method", "name"]
        requests = CounterMetricFamily("locust_requests", "Requests made, by request name.", labels=labels)
        failures = CounterMetricFamily("locust_request_failures", "Requests that failed.", labels=labels)
        rate = GaugeMetricFamily("locust_current_requests_per_second", "Request rate, last ~10 s.", labels=labels)
        for row in snapshot.rows:
            requests.add_metric([row.method, row.name], row.requests)
            failures.add_metric([row.method, row.name], row.failures)
            rate.add_metric([row.method, row.name], row.current_rate)
        yield from (requests, failures, rate)
        yield GaugeMetricFamily(
            "locust_current_total_requests_per_second",
            "Request rate of all requests, last ~10 s.",
            value=snapshot.total.current_rate,
        )
        by_name = [({"method": row.method, "name": row.name}, row) for row in snapshot.rows]
        yield _summary("locust_response_time_seconds", "Response times by request name.", by_name)
        yield _summary("locust_total_response_time_seconds", "Response times of all requests.", [({}, snapshot.total)])


def register(registry: CollectorRegistry, read: Callable[[], Snapshot]) -> LocustCollector:
    collector = LocustCollector(read)
    registry.register(collector)
    return collector
