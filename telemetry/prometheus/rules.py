"""The rule files: recording rules (from `telemetry.recorded`) and alerting rules (from `alerts`)."""

from __future__ import annotations

from typing import Any

from telemetry.prometheus.alerts import ALERTS
from telemetry.recorded import ALL as RECORDED


def recording_rules() -> dict[str, Any]:
    rules = [{"record": series.record, "expr": series.expr} for series in RECORDED]
    return {"groups": [{"name": "inferlab-recording", "rules": rules}]}


def alerting_rules() -> dict[str, Any]:
    return {"groups": [{"name": "inferlab-alerts", "rules": [alert.rule() for alert in ALERTS]}]}
