"""The canary's results as Prometheus metrics, pushed to a Pushgateway that Prometheus scrapes.

A fresh registry per push: a batch job's metrics are its last run, never the process's history.
The job's group is replaced on every push, so the gateway always shows the latest run only; the
model and version it measured are labels. The threshold is pushed too, so an alert compares the two
without writing the number again.
"""

from __future__ import annotations

from urllib.error import URLError

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

from services.registry.canary import CanaryResult
from services.registry.errors import RegistryError

JOB = "inferlab-canary"
LABELS = ("model", "version")
# Every metric the canary pushes, declared once: name -> help. All are gauges of the last run.
ACCURACY = "inferlab_canary_accuracy"
THRESHOLD = "inferlab_canary_accuracy_threshold"
FAILED = "inferlab_canary_requests_failed"
LAST_RUN = "inferlab_canary_last_run_timestamp_seconds"
LATENCY = "inferlab_canary_latency_seconds"
HELP = {
    ACCURACY: "Top-1 accuracy of the last canary run on the labelled photos (0..1).",
    THRESHOLD: "Accuracy under which the canary fails.",
    FAILED: "Requests of the last canary run that failed.",
    LAST_RUN: "When the last canary run ended (Unix time).",
    LATENCY: "Round trip of /v1/predict in the last canary run, by quantile.",
}


def canary_registry(result: CanaryResult, min_accuracy: float) -> CollectorRegistry:
    """A fresh registry holding the run's gauges, labelled with the model and version it measured."""
    registry = CollectorRegistry()
    labels = dict(zip(LABELS, result.served, strict=True))
    values = {ACCURACY: result.accuracy, THRESHOLD: min_accuracy, FAILED: result.failed, LAST_RUN: result.finished_at}
    for name, value in values.items():
        Gauge(name, HELP[name], LABELS, registry=registry).labels(**labels).set(value)
    latency = Gauge(LATENCY, HELP[LATENCY], [*LABELS, "quantile"], registry=registry)
    for level, seconds in result.latency_quantiles().items():
        latency.labels(**labels, quantile=f"{level:g}").set(seconds)
    return registry


def push(registry: CollectorRegistry, gateway_url: str, timeout_s: float) -> None:
    try:
        push_to_gateway(gateway_url, job=JOB, registry=registry, timeout=timeout_s)
    except (URLError, OSError) as exc:
        raise RegistryError(f"cannot push to the Pushgateway at {gateway_url}: {exc}") from exc
