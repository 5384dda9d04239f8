"""Provisioning: the datasource every dashboard names, and a provider that loads the generated JSON."""

from __future__ import annotations

from telemetry.grafana.dashboards import dashboard_json
from telemetry.grafana.provisioning import DATASOURCE_UID, dashboard_providers, datasources


def test_the_datasource_has_the_uid_the_dashboards_name_and_its_url_from_the_environment() -> None:
    [source] = datasources()["datasources"]
    assert (source["uid"], source["type"]) == (DATASOURCE_UID, "prometheus")
    assert source["url"] == "${INFERLAB_PROMETHEUS_URL}"
    assert source["isDefault"] and not source["editable"]


def test_the_provider_reads_files_from_a_directory_the_environment_names_and_keeps_them_read_only() -> None:
    [provider] = dashboard_providers()["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "${INFERLAB_GRAFANA_DASHBOARDS}"
    assert provider["allowUiUpdates"] is False and provider["disableDeletion"] is True


def test_the_prediction_log_datasource_is_postgresql_with_its_place_from_the_environment() -> None:
    from telemetry.grafana.provisioning import POSTGRES_TYPE, POSTGRES_UID, postgres_datasources
    from telemetry.panels import SQL_DASHBOARDS

    [source] = postgres_datasources()["datasources"]
    assert (source["uid"], source["type"]) == (POSTGRES_UID, POSTGRES_TYPE)
    assert source["url"] == "${INFERLAB_GRAFANA_POSTGRES_ADDRESS}" and not source["editable"]
    assert source["secureJsonData"]["password"].startswith("${")
    named = {
        t["datasource"]["uid"]
        for d in SQL_DASHBOARDS
        for p in dashboard_json(d)["panels"]
        for t in p.get("targets", [])
    }
    assert named == {POSTGRES_UID}
