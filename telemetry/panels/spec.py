"""What a dashboard is, apart from any tool that draws it: rows of panels, each a few PromQL targets.

Grafana's JSON (`telemetry.grafana`) and the UI's monitor page are both drawn from these, so the
two show the same figures. Legends use Grafana's `{{label}}` syntax; `legend_name` renders it the
same way for drawers that are not Grafana.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_LABEL = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class Kind(StrEnum):
    """Grafana's panel types, by their plugin id."""

    TIMESERIES = "timeseries"
    STAT = "stat"
    BARGAUGE = "bargauge"
    HEATMAP = "heatmap"
    TABLE = "table"


@dataclass(frozen=True)
class Unit:
    grafana: str  # Grafana's unit id, e.g. "reqps", "s", "percentunit"
    label: str  # what a person reads beside a chart that is not Grafana's


@dataclass(frozen=True)
class Target:
    expr: str
    legend: str = ""
    instant: bool = False  # one value per series (bar gauges, tables), not a range over time


@dataclass(frozen=True)
class SqlTarget:
    """A query of the prediction log's PostgreSQL, with Grafana's macros (`$__timeFilter`, `$__timeGroupAlias`)."""

    sql: str
    table: bool = False  # rows as they come (tables), not series over time


@dataclass(frozen=True)
class Panel:
    title: str
    description: str
    targets: tuple[Target, ...] | tuple[SqlTarget, ...]
    unit: Unit
    kind: Kind = Kind.TIMESERIES
    width: int = 12  # of Grafana's 24 columns
    stacked: bool = False


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    rows: tuple[Row, ...]

    def panels(self) -> list[Panel]:
        """Every panel, row after row."""
        return [panel for row in self.rows for panel in row.panels]

    def targets(self) -> list[Target]:
        return [target for panel in self.panels() for target in panel.targets]


def legend_name(legend: str, labels: dict[str, str]) -> str:
    """A series' name as Grafana would show it: `{{label}}` replaced by the label's value ("" if absent)."""
    return _LABEL.sub(lambda match: labels.get(match.group(1), ""), legend).strip()


REQUESTS_PER_S = Unit("reqps", "req/s")
PER_S = Unit("short", "/s")
SECONDS = Unit("s", "s")
RATIO = Unit("percentunit", "ratio")
COUNT = Unit("short", "count")
BYTES = Unit("bytes", "bytes")
PIXELS = Unit("short", "pixels")
NATS = Unit("short", "nat")
CORES = Unit("short", "cores")
