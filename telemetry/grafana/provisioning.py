"""Grafana's file provisioning: the Prometheus datasource and the provider that loads the dashboards.

Both read their one location-dependent value from the environment (Grafana expands `$VAR` in
provisioning files), so the same files serve the local lab and the cluster:
`INFERLAB_PROMETHEUS_URL` (where Prometheus answers) and `INFERLAB_GRAFANA_DASHBOARDS` (the directory
holding `dashboards/*.json`). The datasource's uid is the one every dashboard names.
"""

from __future__ import annotations

from typing import Any

DATASOURCE_UID = "inferlab-prometheus"  # fixed, so dashboards name it: no `${DS_...}` inputs to resolve
PROMETHEUS_URL_VARIABLE = "INFERLAB_PROMETHEUS_URL"
DASHBOARDS_DIR_VARIABLE = "INFERLAB_GRAFANA_DASHBOARDS"
FOLDER = "inferlab"
SCRAPE_INTERVAL = "5s"  # Grafana's smallest step, the lab's scrape interval


def datasources() -> dict[str, Any]:
    prometheus = {
        "name": "Prometheus",
        "uid": DATASOURCE_UID,
        "type": "prometheus",
        "access": "proxy",
        "url": f"${{{PROMETHEUS_URL_VARIABLE}}}",
        "isDefault": True,
        "editable": False,
        "jsonData": {"timeInterval": SCRAPE_INTERVAL, "httpMethod": "POST"},
    }
    return {"apiVersion": 1, "datasources": [prometheus]}


def dashboard_providers() -> dict[str, Any]:
    """Dashboards from files, read-only in the UI: the code is where they change."""
    provider = {
        "name": FOLDER,
        "folder": FOLDER,
        "type": "file",
        "disableDeletion": True,
        "allowUiUpdates": False,
        "updateIntervalSeconds": 30,
        "options": {"path": f"${{{DASHBOARDS_DIR_VARIABLE}}}", "foldersFromFilesStructure": False},
    }
    return {"apiVersion": 1, "providers": [provider]}
