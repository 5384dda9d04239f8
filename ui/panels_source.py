"""The monitor page's panels: a stand-in until the telemetry issue (#3) defines them once.

The issue's `telemetry/panels.py` will hold the "Service overview" panels that feed both the Grafana
dashboard and this page; when it lands, this module becomes `from telemetry.panels import ...` (or
goes, with `ui/pages/monitor.py` importing from there). Until then the expressions name the metrics
the service is expected to export (OpenTelemetry HTTP semantic conventions, seconds); they answer
"no data" until it does, which the page says rather than drawing anything made up.
"""

from __future__ import annotations

from dataclasses import dataclass

DURATION = "http_server_request_duration_seconds"


@dataclass(frozen=True)
class Panel:
    """One chart: a title, a PromQL expression (one or more series) and the unit of its values."""

    title: str
    expr: str
    unit: str


SERVICE_OVERVIEW: list[Panel] = [
    Panel("Requests", f"sum by (http_route) (rate({DURATION}_count[1m]))", "req/s"),
    Panel(
        "Errors",
        f'sum(rate({DURATION}_count{{http_response_status_code=~"5.."}}[1m])) / sum(rate({DURATION}_count[1m]))',
        "ratio",
    ),
    Panel(
        "Latency p50 / p95 / p99",
        " or ".join(
            f'label_replace(histogram_quantile({q}, sum by (le) (rate({DURATION}_bucket[1m]))), "q", "p{p}", "", "")'
            for q, p in ((0.5, 50), (0.95, 95), (0.99, 99))
        ),
        "s",
    ),
]


def panels() -> list[Panel]:
    """The panels the monitor page draws, in order."""
    return list(SERVICE_OVERVIEW)
