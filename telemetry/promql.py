"""PromQL spelled once: the few query shapes that panels and rules share, built from declared instruments.

Metric names come from `Instrument.prometheus_name`, so a renamed instrument renames every query.
Windows are fixed (`1m`, not Grafana's `$__rate_interval`) because the same text is sent as is to
Prometheus by the UI, by the rules and by the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from telemetry.instruments import Instrument

WINDOW = "1m"
# Routes that classify images; health checks and /metrics are left out of latency and overload figures.
INFERENCE_ROUTES = 'http_route=~"/v1/predict.*|/v2/models/.+/infer"'
SINGLE_IMAGE_ROUTES = 'http_route=~"/v1/predict|/v2/models/.+/infer"'


def series(name: str, matchers: str = "") -> str:
    return f"{name}{{{matchers}}}" if matchers else name


def rate(name: str, matchers: str = "", window: str = WINDOW) -> str:
    return f"rate({series(name, matchers)}[{window}])"


def sum_by(labels: Sequence[str], expr: str) -> str:
    """`sum by (labels) (expr)`, or a plain `sum(expr)` with no labels."""
    return f"sum by ({', '.join(labels)}) ({expr})" if labels else f"sum({expr})"


def summed_rate(name: str, by: Sequence[str] = (), matchers: str = "", window: str = WINDOW) -> str:
    return sum_by(by, rate(name, matchers, window))


def quantile(q: float, histogram: Instrument, by: Sequence[str] = (), matchers: str = "", window: str = WINDOW) -> str:
    """The q-quantile of a histogram over `window`, kept apart by `by`."""
    buckets = summed_rate(f"{histogram.prometheus_name}_bucket", ["le", *by], matchers, window)
    return f"histogram_quantile({q:g}, {buckets})"


def mean(histogram: Instrument, by: Sequence[str] = (), matchers: str = "", window: str = WINDOW) -> str:
    """Mean observation over `window`: rate of the sum over rate of the count."""
    name = histogram.prometheus_name
    total = summed_rate(f"{name}_sum", by, matchers, window)
    return f"{total} / {summed_rate(f'{name}_count', by, matchers, window)}"


def ratio(part: str, whole: str) -> str:
    """`part / whole` that reads 0, not "no data", while `part` has no series yet (no 5xx ever answered)."""
    return f"({part} or {whole} * 0) / {whole}"
