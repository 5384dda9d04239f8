"""The PromQL shapes panels and rules share: names from instruments, windows and grouping spelled once."""

from __future__ import annotations

from telemetry import instruments as i
from telemetry import promql


def test_sum_by_without_labels_is_a_plain_sum() -> None:
    assert promql.sum_by([], "x") == "sum(x)"
    assert promql.sum_by(["job", "stage"], "x") == "sum by (job, stage) (x)"


def test_a_rate_carries_its_matchers_and_window() -> None:
    assert promql.rate("m_total", 'a="b"', "5m") == 'rate(m_total{a="b"}[5m])'
    assert promql.rate("m_total") == "rate(m_total[1m])"


def test_a_quantile_sums_the_buckets_by_le_and_the_labels_kept() -> None:
    expr = promql.quantile(0.99, i.HTTP_DURATION, ["http_route"])
    assert expr == (
        "histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[1m])))"
    )


def test_a_mean_divides_the_rate_of_the_sum_by_the_rate_of_the_count() -> None:
    expr = promql.mean(i.CONFIDENCE, ["model_version"], window="15m")
    assert expr == (
        "sum by (model_version) (rate(inferlab_prediction_confidence_sum[15m]))"
        " / sum by (model_version) (rate(inferlab_prediction_confidence_count[15m]))"
    )


def test_a_ratio_falls_back_to_zero_while_its_part_has_no_series() -> None:
    assert promql.ratio("a", "b") == "(a or b * 0) / b"
