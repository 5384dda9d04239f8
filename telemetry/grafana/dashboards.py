"""A `telemetry.panels.Dashboard` as Grafana JSON, built with grafana-foundation-sdk.

Uids are fixed so links and provisioning survive a rebuild; panel ids are numbered in order, so the
same panels always give the same file.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DashboardCursorSync, DashboardLinkType

from telemetry.grafana.panels import panel_builder
from telemetry.panels import Dashboard

TAG = "inferlab"
REFRESH = "10s"
TIME_FROM = "now-30m"


def _links() -> builders.DashboardLink:
    """A menu of every inferlab dashboard (by tag), keeping the time range."""
    return (
        builders.DashboardLink("inferlab")
        .type(DashboardLinkType.DASHBOARDS)
        .tags([TAG])
        .as_dropdown(True)
        .keep_time(True)
    )


def dashboard_json(dashboard: Dashboard) -> dict[str, Any]:
    builder = (
        builders.Dashboard(dashboard.title)
        .uid(dashboard.uid)
        .description(dashboard.description)
        .tags([TAG])
        .refresh(REFRESH)
        .time(TIME_FROM, "now")
        .timezone("browser")
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .link(_links())
    )
    ids = itertools.count(1)
    for row in dashboard.rows:
        builder.with_row(builders.Row(row.title).id(next(ids)))
        for panel in row.panels:
            builder.with_panel(panel_builder(panel, next(ids)))
    return json.loads(json.dumps(builder.build(), cls=JSONEncoder))
