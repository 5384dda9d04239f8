"""Grafana's file provisioning: the Prometheus datasource and the provider that loads the dashboards.

Both read their one location-dependent value from the environment (Grafana expands `$VAR` in
provisioning files), so the same files serve the local lab and the cluster:
`INFERLAB_PROMETHEUS_URL` (where Prometheus answers) and `INFERLAB_GRAFANA_DASHBOARDS` (the directory
holding `dashboards/*.json`). The datasource's uid is the one every dashboard names.
"""

from __future__ import annotations

from typing import Any

DATASOURCE_UID = "inferlab-prometheus"  # fixed, so dashboards name it: no `${DS_...}` inputs to resolve
POSTGRES_UID = "inferlab-postgres"
POSTGRES_TYPE = "grafana-postgresql-datasource"  # the core plugin's id since Grafana 10.4 ("postgres" before)
PROMETHEUS_URL_VARIABLE = "INFERLAB_PROMETHEUS_URL"
# The prediction log's PostgreSQL: host:port, database, user and password (empty where it trusts the loopback).
POSTGRES_ADDRESS_VARIABLE = "INFERLAB_GRAFANA_POSTGRES_ADDRESS"
POSTGRES_DATABASE_VARIABLE = "INFERLAB_GRAFANA_POSTGRES_DATABASE"
POSTGRES_USER_VARIABLE = "INFERLAB_GRAFANA_POSTGRES_USER"
POSTGRES_PASSWORD_VARIABLE = "INFERLAB_GRAFANA_POSTGRES_PASSWORD"
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


def postgres_datasources() -> dict[str, Any]:
    """The prediction log, read by the Predictions dashboard's SQL."""
    postgres = {
        "name": "Prediction log",
        "uid": POSTGRES_UID,
        "type": POSTGRES_TYPE,
        "access": "proxy",
        "url": f"${{{POSTGRES_ADDRESS_VARIABLE}}}",
        "user": f"${{{POSTGRES_USER_VARIABLE}}}",
        "editable": False,
        "jsonData": {
            "database": f"${{{POSTGRES_DATABASE_VARIABLE}}}",
            "sslmode": "disable",  # the loopback, or the cluster's network behind its policy
            "postgresVersion": 1500,
            "timescaledb": False,
            "maxOpenConns": 4,
        },
        "secureJsonData": {"password": f"${{{POSTGRES_PASSWORD_VARIABLE}}}"},
    }
    return {"apiVersion": 1, "datasources": [postgres]}


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
