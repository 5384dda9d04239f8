"""Every file `python -m telemetry.grafana` generates, by path: the dashboards and the provisioning."""

from __future__ import annotations

from pathlib import Path

from telemetry.generated import to_json, to_yaml
from telemetry.grafana.dashboards import dashboard_json
from telemetry.grafana.paths import PROVISIONING_DIR, dashboard_path
from telemetry.grafana.provisioning import dashboard_providers, datasources, postgres_datasources
from telemetry.panels import DASHBOARDS, SQL_DASHBOARDS

MODULE = "telemetry.grafana"


def generated_files() -> dict[Path, str]:
    files = {dashboard_path(d.uid): to_json(dashboard_json(d)) for d in (*DASHBOARDS, *SQL_DASHBOARDS)}
    files[PROVISIONING_DIR / "datasources" / "prometheus.yaml"] = to_yaml(datasources(), MODULE)
    files[PROVISIONING_DIR / "datasources" / "postgres.yaml"] = to_yaml(postgres_datasources(), MODULE)
    files[PROVISIONING_DIR / "dashboards" / "inferlab.yaml"] = to_yaml(dashboard_providers(), MODULE)
    return files
