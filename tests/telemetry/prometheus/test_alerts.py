"""The alerting rules: each has a severity, a wait, words for a person and a dashboard that exists."""

from __future__ import annotations

import pytest

from telemetry.panels import DASHBOARDS, SQL_DASHBOARDS
from telemetry.prometheus.alerts import ALERTS, Alert
from telemetry.prometheus.rules import alerting_rules, recording_rules
from telemetry.recorded import ALL as RECORDED

EXPECTED = {
    "InferlabServiceDown",
    "InferlabModelNotReady",
    "InferlabHighErrorRatio",
    "InferlabHighLatency",
    "InferlabOverloaded",
    "InferlabConfidenceDrop",
    "InferlabCanaryFailing",
    "InferlabCanaryStale",
    "InferlabFeedbackAccuracyLow",
    "InferlabPredictionLogDropping",
}


def test_the_alerts_a_model_service_needs() -> None:
    assert {alert.name for alert in ALERTS} == EXPECTED


@pytest.mark.parametrize("alert", ALERTS, ids=lambda alert: alert.name)
def test_each_alert_waits_and_explains_itself(alert: Alert) -> None:
    rule = alert.rule()
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule["for"].endswith("m")
    assert rule["annotations"]["summary"] and len(rule["annotations"]["description"]) > 40
    assert rule["annotations"]["dashboard"] in {f"/d/{d.uid}" for d in (*DASHBOARDS, *SQL_DASHBOARDS)}


def test_rule_files_hold_one_group_each() -> None:
    [recording] = recording_rules()["groups"]
    [alerting] = alerting_rules()["groups"]
    assert [rule["record"] for rule in recording["rules"]] == [series.record for series in RECORDED]
    assert [rule["alert"] for rule in alerting["rules"]] == [alert.name for alert in ALERTS]
