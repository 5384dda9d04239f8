"""Alerts that mean something for a model service: down, not ready, failing, slow, overloaded, drifting.

Each says what is wrong, how bad and where to look. `for:` keeps a blip from paging; `severity` is
`critical` when clients are being failed now and `warning` when they are being served worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telemetry import canary as c
from telemetry import instruments as i
from telemetry import jobs, promql
from telemetry import recorded as r
from telemetry.panels.canary import CANARY_DASHBOARD
from telemetry.panels.model import MODEL_DASHBOARD
from telemetry.panels.predictions import PREDICTIONS_DASHBOARD
from telemetry.panels.service import SERVICE_OVERVIEW

MAX_FAILURE_RATIO = 0.05
MAX_P99_S = 1.0  # single-image requests; the load tests' p95 objective is 1 s too
MAX_REJECTED_RATIO = 0.01
MIN_CONFIDENCE_SHARE = 0.8  # of the 6-hour mean
MIN_IMAGES_PER_S = 0.1  # below this, a 15-minute mean is too few images to judge
CANARY_MISSED_RUNS = 2  # the canary is stale once this many scheduled runs are missing
MIN_FEEDBACK_ACCURACY = 0.7
MIN_FEEDBACK_COUNT = 20  # in the hour: fewer answers are too few to judge a version by


@dataclass(frozen=True)
class Alert:
    name: str
    expr: str
    for_: str
    severity: str
    summary: str
    description: str
    dashboard: str

    def rule(self) -> dict[str, Any]:
        annotations = {"summary": self.summary, "description": self.description, "dashboard": f"/d/{self.dashboard}"}
        labels = {"severity": self.severity}
        return {"alert": self.name, "expr": self.expr, "for": self.for_, "labels": labels, "annotations": annotations}


SERVICE_UP = f'up{{job="{jobs.SERVICE}"}}'
# Traffic from the exact images counter: the confidence histogram holds a sample above the detail budget.
CONFIDENCE_TRAFFIC = promql.summed_rate(i.IMAGES.prometheus_name, r.MODEL, window="15m")
REJECTED = promql.summed_rate(i.REJECTIONS.prometheus_name, ["job"], window="5m")
CLASSIFY_REQUESTS = promql.summed_rate(r.REQUESTS, ["job"], promql.INFERENCE_ROUTES, window="5m")
CANARY_MAX_AGE_S = (CANARY_MISSED_RUNS + 1) * c.SCHEDULE_S
# Written by services/predictions/metrics.py (prometheus_client: counters end in _total).
FEEDBACK = "inferlab_prediction_feedback_total"
FEEDBACK_1H = f"sum by (model, version) (increase({FEEDBACK}[1h]))"
RIGHT_1H = f'sum by (model, version) (increase({FEEDBACK}{{verdict="right"}}[1h]))'
LOG_DROPS = "sum by (job, sink, reason) (rate(inferlab_prediction_log_dropped_total[5m]))"

ALERTS = (
    Alert(
        "InferlabServiceDown",
        f"{SERVICE_UP} == 0 or absent({SERVICE_UP})",
        "1m",
        "critical",
        "The inference service does not answer Prometheus",
        "No scrape of the inference service succeeded for 1 minute: the process is down, or not listening "
        "where the scrape config says.",
        SERVICE_OVERVIEW.uid,
    ),
    Alert(
        "InferlabModelNotReady",
        f"{i.MODEL_READY.prometheus_name} == 0",
        "2m",
        "critical",
        "Model {{ $labels.model_name }} {{ $labels.model_version }} is not ready",
        "{{ $labels.model_name }} {{ $labels.model_version }} on {{ $labels.instance }} has not been ready for "
        "2 minutes: requests for it get 503.",
        SERVICE_OVERVIEW.uid,
    ),
    Alert(
        "InferlabHighErrorRatio",
        f"{r.FAILURE_RATIO.record} > {MAX_FAILURE_RATIO:g}",
        "5m",
        "critical",
        "{{ $labels.job }} answers server errors",
        "{{ $value | humanizePercentage }} of the answers were server errors (5xx but 503) over the last "
        "minute, for 5 minutes; the service logs each one with its traceback.",
        SERVICE_OVERVIEW.uid,
    ),
    Alert(
        "InferlabHighLatency",
        f"{promql.series(r.LATENCY_P99.record, promql.SINGLE_IMAGE_ROUTES)} > {MAX_P99_S:g}",
        "5m",
        "warning",
        "p99 of {{ $labels.http_route }} is over 1 s",
        "p99 of {{ $labels.http_route }} has been {{ $value | humanizeDuration }} for 5 minutes; the Model "
        "dashboard's stage p95 shows which stage grew.",
        MODEL_DASHBOARD.uid,
    ),
    Alert(
        "InferlabOverloaded",
        f"{REJECTED} / {CLASSIFY_REQUESTS} > {MAX_REJECTED_RATIO:g}",
        "5m",
        "warning",
        "{{ $labels.job }} refuses requests for lack of capacity",
        "{{ $value | humanizePercentage }} of classification requests got 503 (queue full) over 5 minutes: "
        "add workers or replicas, or turn on micro-batching.",
        SERVICE_OVERVIEW.uid,
    ),
    Alert(
        "InferlabConfidenceDrop",
        f"{r.CONFIDENCE_15M.record} < {MIN_CONFIDENCE_SHARE:g} * {r.CONFIDENCE_6H.record}"
        f" and on (model_name, model_version) {CONFIDENCE_TRAFFIC} > {MIN_IMAGES_PER_S:g}",
        "15m",
        "warning",
        "{{ $labels.model_name }} {{ $labels.model_version }} is less sure than usual",
        "Mean top-1 confidence over 15 minutes is {{ $value | humanizePercentage }}, under 80% of its 6-hour "
        "mean: inputs may have drifted from what the model knows. Compare the drift panels and the top classes.",
        MODEL_DASHBOARD.uid,
    ),
    Alert(
        "InferlabCanaryFailing",
        f"{c.ACCURACY} < {c.THRESHOLD} or {c.FAILED} > 0",
        "0m",
        "critical",
        "The post-deploy check fails on {{ $labels.model }} v{{ $labels.version }}",
        "The last canary run on the labelled photos scored under its threshold or had failed requests: the "
        "version served may be a broken export or wrongly preprocessed. Its MLflow run (inferlab-canary) has "
        "every answer.",
        CANARY_DASHBOARD.uid,
    ),
    Alert(
        "InferlabCanaryStale",
        f"time() - {c.LAST_RUN} > {CANARY_MAX_AGE_S}",
        "5m",
        "warning",
        "The post-deploy check has not run for {{ $value | humanizeDuration }}",
        f"The canary runs every {c.SCHEDULE_S // 60} minutes; {CANARY_MISSED_RUNS} runs are missing, so a broken "
        "deploy would go unseen. Look at the CronJob (cluster) or the canary process (make up).",
        CANARY_DASHBOARD.uid,
    ),
    Alert(
        "InferlabFeedbackAccuracyLow",
        f"{RIGHT_1H} / {FEEDBACK_1H} < {MIN_FEEDBACK_ACCURACY:g} and {FEEDBACK_1H} >= {MIN_FEEDBACK_COUNT}",
        "10m",
        "warning",
        "People say {{ $labels.model }} v{{ $labels.version }} is often wrong",
        f"Of the predictions people judged in the last hour (at least {MIN_FEEDBACK_COUNT}), only "
        "{{ $value | humanizePercentage }} were right. The Predictions dashboard lists the low-confidence answers "
        "and the class mix; GET /v1/predictions?feedback=true has each one.",
        PREDICTIONS_DASHBOARD.uid,
    ),
    Alert(
        "InferlabPredictionLogDropping",
        f"{LOG_DROPS} > 0",
        "5m",
        "warning",
        "The prediction log drops events ({{ $labels.sink }}: {{ $labels.reason }})",
        "Predictions are answered but not kept: the sink is down (sink_down) or cannot keep up (buffer_full). "
        "The service stays ready; /v2/health/ready's details say which sink is down.",
        PREDICTIONS_DASHBOARD.uid,
    ),
)
