"""The canary's results as Prometheus metrics, pushed to a Pushgateway that Prometheus scrapes.

A fresh registry per push: a batch job's metrics are its last run, never the process's history.
The job's group is replaced on every push, so the gateway always shows the latest run only; the
model and version it measured are labels. The threshold is pushed too, so an alert compares the two
without writing the number again. The names are declared in `telemetry/canary.py`.
"""

from __future__ import annotations

from urllib.error import HTTPError, URLError

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

from services.registry.canary import CanaryResult
from services.registry.errors import RegistryError
from telemetry.canary import ACCURACY, FAILED, HELP, JOB, LABELS, LAST_RUN, LATENCY, THRESHOLD


class GatewayUnreachable(RegistryError):
    """No Pushgateway answers there: the push is skipped, which fails nothing (the lab may run without one)."""


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
    """Push the run; a gateway that answers with an error is an error, one that does not answer is skipped."""
    try:
        push_to_gateway(gateway_url, job=JOB, registry=registry, timeout=timeout_s)
    except HTTPError as exc:
        raise RegistryError(f"the Pushgateway at {gateway_url} refused the push: {exc}") from exc
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise GatewayUnreachable(f"no Pushgateway answers at {gateway_url} ({reason}): push skipped") from exc
