"""Service overview: is the service answering, how fast, and how close to full is it?

Read top to bottom: traffic and errors, latency, saturation. The UI's monitor page draws these
same panels.
"""

from __future__ import annotations

from telemetry import instruments as i
from telemetry import promql
from telemetry import recorded as r
from telemetry.panels.spec import COUNT, PER_S, RATIO, REQUESTS_PER_S, SECONDS, Dashboard, Kind, Panel, Row, Target

REQUEST_RATE = Panel(
    "Request rate",
    "Requests answered per second, by route template (health checks and scrapes included).",
    (Target(r.REQUEST_RATE.record, "{{http_route}}"),),
    REQUESTS_PER_S,
)
ERROR_RATIO = Panel(
    "Error ratio",
    "Share of answers that failed (5xx but 503), were refused for overload (503), or refused bad input (4xx).",
    (
        Target(r.FAILURE_RATIO.record, "server errors {{job}}"),
        Target(r.REJECTED_RATIO.record, "overload 503 {{job}}"),
        Target(r.BAD_INPUT_RATIO.record, "bad input 4xx {{job}}"),
    ),
    RATIO,
)
LATENCY = Panel(
    "Latency p50 / p95 / p99",
    "Request duration quantiles of the routes that classify images, per route template.",
    tuple(
        Target(promql.series(quantile.record, promql.INFERENCE_ROUTES), f"p{q} {{{{http_route}}}}")
        for q, quantile in ((50, r.LATENCY_P50), (95, r.LATENCY_P95), (99, r.LATENCY_P99))
    ),
    SECONDS,
    width=24,
)
ERRORS_BY_TYPE = Panel(
    "Errors by type",
    "Errors answered to clients per second, by the service's error type (InvalidImage, Overloaded, ...).",
    (Target(promql.summed_rate(i.ERRORS.prometheus_name, ["error_type"]), "{{error_type}}"),),
    PER_S,
)
IN_FLIGHT = Panel(
    "In flight",
    "Requests being answered, by route; images admitted by the scheduler, and how many it admits at most.",
    (
        Target(promql.sum_by(["http_route"], promql.series(i.HTTP_ACTIVE.prometheus_name, promql.INFERENCE_ROUTES)),
               "requests {{http_route}}"),
        Target(promql.sum_by([], i.IN_PROGRESS.prometheus_name), "images admitted"),
        Target(promql.sum_by([], i.CAPACITY.prometheus_name), "capacity"),
    ),
    COUNT,
    width=8,
)  # fmt: skip
QUEUE_DEPTH = Panel(
    "Queue depth",
    "Images admitted and waiting for a worker; when the queue is full, requests get an immediate 503.",
    (Target(promql.sum_by(["job"], i.QUEUE_DEPTH.prometheus_name), "queued images {{job}}"),),
    COUNT,
    width=8,
)
REJECTIONS = Panel(
    "Overload rejections",
    "Requests refused with 503 and Retry-After per second because every worker was busy and the queue full.",
    (Target(promql.summed_rate(i.REJECTIONS.prometheus_name, ["job"]), "rejected {{job}}"),),
    PER_S,
    width=8,
)
MODELS_READY = Panel(
    "Models ready",
    "1 while a model answers requests, 0 while it is loading or failed.",
    (Target(i.MODEL_READY.prometheus_name, "{{model_name}} {{model_version}}"),),
    COUNT,
    Kind.STAT,
)

SERVICE_OVERVIEW = Dashboard(
    uid="inferlab-service",
    title="inferlab / Service overview",
    description="Traffic, errors, latency and saturation of the inference service.",
    rows=(
        Row("Traffic and errors", (REQUEST_RATE, ERROR_RATIO, ERRORS_BY_TYPE, MODELS_READY)),
        Row("Latency", (LATENCY,)),
        Row("Saturation", (IN_FLIGHT, QUEUE_DEPTH, REJECTIONS)),
    ),
)
