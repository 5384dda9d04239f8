"""Load: what Locust offers and what the service sees, side by side, during a load test.

Locust's figures come from `locustfiles.collector`: on Locust's web UI (`/metrics`), and on each
headless run (`make load`), which Prometheus finds while it lasts (file_sd). Several may be scraped
at once (the idle web UI beside a headless run), so the panels add them up. Their names are spelled
here, as that collector writes them (a test checks the two agree).
"""

from __future__ import annotations

from telemetry import instruments as i
from telemetry import jobs, promql
from telemetry import recorded as r
from telemetry.panels.resources import cpu
from telemetry.panels.spec import CORES, COUNT, PER_S, REQUESTS_PER_S, SECONDS, Dashboard, Panel, Row, Target

LOCUST_USERS = "locust_users"
LOCUST_RATE = "locust_current_requests_per_second"
LOCUST_TOTAL_RATE = "locust_current_total_requests_per_second"
LOCUST_FAILURES = "locust_request_failures_total"
LOCUST_RESPONSE_TIME = "locust_total_response_time_seconds"
LOCUST_NAMES = (LOCUST_USERS, LOCUST_RATE, LOCUST_TOTAL_RATE, LOCUST_FAILURES, LOCUST_RESPONSE_TIME)


def _locust_quantile(q: int) -> Target:
    """The slowest of the runs scraped (usually one is running): a quantile cannot be added up."""
    matcher = f'quantile="{q / 100:g}"'
    return Target(f"max({promql.series(LOCUST_RESPONSE_TIME, matcher)})", f"Locust p{q}")


USERS = Panel(
    "Simulated users",
    "Users Locust runs right now.",
    (Target(promql.sum_by([], LOCUST_USERS), "users"),),
    COUNT,
    width=8,
)
OFFERED = Panel(
    "Offered rate (Locust)",
    "Requests per second Locust sends, by request name (its ~10 s window), and in total.",
    (Target(promql.sum_by(["name"], LOCUST_RATE), "{{name}}"), Target(promql.sum_by([], LOCUST_TOTAL_RATE), "total")),
    REQUESTS_PER_S,
    width=16,
)
LOCUST_LATENCY = Panel(
    "Response time (Locust)",
    "Quantiles of the response times Locust measured over its last ~10 s, all requests together.",
    tuple(_locust_quantile(q) for q in (50, 95, 99)),
    SECONDS,
)
FAILURES = Panel(
    "Failures (Locust)",
    "Requests per second Locust counted as failed: a 5xx, a timeout, or a wrong answer to good input.",
    (Target(promql.summed_rate(LOCUST_FAILURES, ["name"]), "{{name}}"),),
    PER_S,
)
BY_STATUS = Panel(
    "Answers by status (service)",
    "Requests the service answered per second, by HTTP status: 200, 4xx for bad input, 503 for overload.",
    (Target(promql.summed_rate(r.REQUESTS, ["http_response_status_code"]), "{{http_response_status_code}}"),),
    REQUESTS_PER_S,
)
LATENCY_SEEN = Panel(
    "p95 seen by the service and by Locust",
    "The gap between the two is time outside the handler: connection, transfer and the client itself.",
    (Target(promql.series(r.LATENCY_P95.record, promql.INFERENCE_ROUTES), "service p95 {{http_route}}"),
     _locust_quantile(95)),
    SECONDS,
)  # fmt: skip
SATURATION = Panel(
    "Admitted, queued and capacity",
    "Images in the service against what it admits; at capacity, new requests get 503.",
    (
        Target(promql.sum_by([], i.IN_PROGRESS.prometheus_name), "admitted"),
        Target(promql.sum_by([], i.QUEUE_DEPTH.prometheus_name), "queued"),
        Target(promql.sum_by([], i.CAPACITY.prometheus_name), "capacity"),
    ),
    COUNT,
)
SERVICE_CPU = Panel(
    "Service CPU",
    "Cores the inference service uses: near the core count, it is CPU-bound.",
    (cpu(f'job="{jobs.SERVICE}"'),),
    CORES,
)

LOAD_DASHBOARD = Dashboard(
    uid="inferlab-load",
    title="inferlab / Load",
    description="A load test from both ends: Locust's offered load and the service's response.",
    rows=(
        Row("Offered (Locust)", (USERS, OFFERED, LOCUST_LATENCY, FAILURES)),
        Row("Seen by the service", (BY_STATUS, LATENCY_SEEN, SATURATION, SERVICE_CPU)),
    ),
)
