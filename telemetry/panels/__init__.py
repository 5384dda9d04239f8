"""The lab's dashboards, defined once: Grafana's JSON and the UI's monitor page are both drawn from these.

`DASHBOARDS` lists them in the order Grafana shows them (their queries are PromQL); `SQL_DASHBOARDS` those that
read the prediction log's PostgreSQL. `service_overview()` is what the UI draws.
"""

from __future__ import annotations

from telemetry.panels.canary import CANARY_DASHBOARD
from telemetry.panels.load import LOAD_DASHBOARD
from telemetry.panels.model import MODEL_DASHBOARD
from telemetry.panels.predictions import PREDICTIONS_DASHBOARD
from telemetry.panels.registry import REGISTRY_DASHBOARD
from telemetry.panels.resources import RESOURCES_DASHBOARD
from telemetry.panels.service import SERVICE_OVERVIEW
from telemetry.panels.spec import Dashboard, Kind, Panel, Row, SqlTarget, Target, Unit, legend_name

DASHBOARDS: tuple[Dashboard, ...] = (
    SERVICE_OVERVIEW,
    MODEL_DASHBOARD,
    REGISTRY_DASHBOARD,
    CANARY_DASHBOARD,
    LOAD_DASHBOARD,
    RESOURCES_DASHBOARD,
)
SQL_DASHBOARDS: tuple[Dashboard, ...] = (PREDICTIONS_DASHBOARD,)


def service_overview() -> list[Panel]:
    """The Service overview's panels, in order (a new list each time: callers may change it)."""
    return SERVICE_OVERVIEW.panels()


__all__ = [
    "CANARY_DASHBOARD",
    "DASHBOARDS",
    "REGISTRY_DASHBOARD",
    "SQL_DASHBOARDS",
    "Dashboard",
    "Kind",
    "Panel",
    "Row",
    "SqlTarget",
    "Target",
    "Unit",
    "legend_name",
    "service_overview",
]
