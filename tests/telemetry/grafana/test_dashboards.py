"""The Grafana JSON of each dashboard: the panels' own queries, the fixed datasource, nothing to import by hand."""

from __future__ import annotations

import json

import pytest

from telemetry.grafana.dashboards import dashboard_json
from telemetry.grafana.provisioning import DATASOURCE_UID
from telemetry.panels import DASHBOARDS, Dashboard, Kind

DATASOURCE = {"type": "prometheus", "uid": DATASOURCE_UID}


def drawn(model: dict) -> list[dict]:
    return [panel for panel in model["panels"] if panel["type"] != "row"]


@pytest.fixture(params=DASHBOARDS, ids=lambda d: d.uid)
def dashboard(request: pytest.FixtureRequest) -> Dashboard:
    return request.param


def test_uid_title_and_tag_are_the_dashboards_own(dashboard: Dashboard) -> None:
    model = dashboard_json(dashboard)
    assert (model["uid"], model["title"], model["tags"]) == (dashboard.uid, dashboard.title, ["inferlab"])
    assert "id" not in model  # provisioning gives it one


def test_the_datasource_is_named_by_its_fixed_uid_never_by_an_input(dashboard: Dashboard) -> None:
    model = dashboard_json(dashboard)
    assert "${" not in json.dumps(model) and "__inputs" not in model
    for panel in drawn(model):
        assert panel["datasource"] == DATASOURCE
        assert all(target["datasource"] == DATASOURCE for target in panel["targets"])


def test_the_queries_and_legends_are_the_panels_own(dashboard: Dashboard) -> None:
    model = dashboard_json(dashboard)
    written = [(p["title"], t["expr"], t.get("legendFormat", "")) for p in drawn(model) for t in p["targets"]]
    defined = [(p.title, t.expr, t.legend) for p in dashboard.panels() for t in p.targets]
    assert written == defined


def test_rows_and_panels_in_order_with_distinct_ids(dashboard: Dashboard) -> None:
    model = dashboard_json(dashboard)
    ids = [panel["id"] for panel in model["panels"]]
    assert ids == list(range(1, len(ids) + 1))
    assert [p["title"] for p in model["panels"] if p["type"] == "row"] == [row.title for row in dashboard.rows]
    assert [(p["type"], p["gridPos"]["w"]) for p in drawn(model)] == [
        (panel.kind.value, panel.width) for panel in dashboard.panels()
    ]


def test_panels_fit_grafanas_grid(dashboard: Dashboard) -> None:
    for panel in drawn(dashboard_json(dashboard)):
        position = panel["gridPos"]
        assert position["x"] + position["w"] <= 24, panel["title"]


def test_heatmaps_ask_for_buckets_and_tables_for_one_instant() -> None:
    for dashboard in DASHBOARDS:
        for panel, model in zip(dashboard.panels(), drawn(dashboard_json(dashboard)), strict=True):
            formats = {target.get("format") for target in model["targets"]}
            if panel.kind is Kind.HEATMAP:
                assert formats == {"heatmap"}
            if panel.kind is Kind.TABLE:
                assert formats == {"table"} and all(target["instant"] for target in model["targets"])
