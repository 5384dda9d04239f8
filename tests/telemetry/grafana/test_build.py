"""The committed dashboards and provisioning are what the code generates (regenerate: python -m telemetry.grafana)."""

from __future__ import annotations

import json

import yaml

from telemetry.generated import stale
from telemetry.grafana.build import generated_files
from telemetry.grafana.paths import DASHBOARDS_DIR, PROVISIONING_DIR
from telemetry.panels import DASHBOARDS, SQL_DASHBOARDS


def test_the_committed_files_equal_the_generated_ones() -> None:
    assert not stale(generated_files()), "out of date: run `python -m telemetry.grafana`"


def test_one_json_per_dashboard_and_no_leftover() -> None:
    assert sorted(p.stem for p in DASHBOARDS_DIR.glob("*.json")) == sorted(
        d.uid for d in (*DASHBOARDS, *SQL_DASHBOARDS)
    )
    for path in DASHBOARDS_DIR.glob("*.json"):
        assert json.loads(path.read_text())["uid"] == path.stem


def test_provisioning_files_are_yaml_grafana_can_read() -> None:
    for path in PROVISIONING_DIR.rglob("*.yaml"):
        assert yaml.safe_load(path.read_text())["apiVersion"] == 1, path
