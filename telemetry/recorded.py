"""Series that Prometheus's recording rules compute ahead of time, named once for rules, panels and alerts.

Names follow Prometheus's `level:metric:operations` convention. Each is kept apart by `job` (and by
route, stage or model) and summed over instances, so a panel reads one series per thing it shows,
and an alert compares like with like. Windows are 1 minute for what dashboards draw; the confidence
baseline compares 15 minutes with 6 hours, which is how slowly a model's inputs are expected to drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from telemetry import instruments as i
from telemetry import promql


@dataclass(frozen=True)
class Recorded:
    record: str
    expr: str


REQUESTS = i.HTTP_DURATION.prometheus_name + "_count"
ROUTE = ["job", "http_route"]
STAGE = ["job", "model_name", "model_version", "stage"]
MODEL = ["model_name", "model_version"]


def _status_ratio(record: str, matchers: str) -> Recorded:
    whole = promql.summed_rate(REQUESTS, ["job"])
    return Recorded(record, promql.ratio(promql.summed_rate(REQUESTS, ["job"], matchers), whole))


def _latency(q: int) -> Recorded:
    name = f"http_route:{i.HTTP_DURATION.prometheus_name}:p{q}_rate1m"
    return Recorded(name, promql.quantile(q / 100, i.HTTP_DURATION, ROUTE))


def _stage(q: int) -> Recorded:
    name = f"stage:{i.STAGE_DURATION.prometheus_name}:p{q}_rate1m"
    return Recorded(name, promql.quantile(q / 100, i.STAGE_DURATION, STAGE))


def _confidence(window: str) -> Recorded:
    name = f"model:{i.CONFIDENCE.prometheus_name}:mean_rate{window}"
    return Recorded(name, promql.mean(i.CONFIDENCE, MODEL, window=window))


REQUEST_RATE = Recorded("http_route:http_server_requests:rate1m", promql.summed_rate(REQUESTS, ROUTE))
# 503 is overload (or a model not ready), which have alerts of their own; other 5xx are the service failing.
SERVER_FAILURE = 'http_response_status_code=~"5..", http_response_status_code!="503"'
FAILURE_RATIO = _status_ratio("job:http_server_failures:ratio_rate1m", SERVER_FAILURE)
REJECTED_RATIO = _status_ratio("job:http_server_rejections:ratio_rate1m", 'http_response_status_code="503"')
BAD_INPUT_RATIO = _status_ratio("job:http_server_client_errors:ratio_rate1m", 'http_response_status_code=~"4.."')
LATENCY_P50, LATENCY_P95, LATENCY_P99 = (_latency(q) for q in (50, 95, 99))
STAGE_P50, STAGE_P95, STAGE_P99 = (_stage(q) for q in (50, 95, 99))
CONFIDENCE_15M, CONFIDENCE_6H = _confidence("15m"), _confidence("6h")

ALL = (
    REQUEST_RATE,
    FAILURE_RATIO,
    REJECTED_RATIO,
    BAD_INPUT_RATIO,
    LATENCY_P50,
    LATENCY_P95,
    LATENCY_P99,
    STAGE_P50,
    STAGE_P95,
    STAGE_P99,
    CONFIDENCE_15M,
    CONFIDENCE_6H,
)
