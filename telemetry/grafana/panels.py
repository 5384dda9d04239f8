"""One `telemetry.panels.Panel` as a grafana-foundation-sdk panel builder, by kind.

Only what each kind needs to read well is set; everything else stays Grafana's default, so the
JSON stays short enough to review.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from grafana_foundation_sdk.builders import bargauge, common, heatmap, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog.builder import Builder
from grafana_foundation_sdk.models.common import (
    BarGaugeDisplayMode,
    LegendDisplayMode,
    LegendPlacement,
    SortOrder,
    StackingMode,
    TooltipDisplayMode,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import DataSourceRef
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from telemetry.grafana.provisioning import DATASOURCE_UID, POSTGRES_TYPE, POSTGRES_UID
from telemetry.grafana.sql import SqlQuery
from telemetry.panels import Kind, Panel, SqlTarget, Target

DATASOURCE = DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)
POSTGRES = DataSourceRef(type_val=POSTGRES_TYPE, uid=POSTGRES_UID)
HEIGHT = 8


def _timeseries(panel: Panel) -> Builder:
    legend = common.VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.LIST)
    tooltip = common.VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING)
    builder = timeseries.Panel().fill_opacity(10).tooltip(tooltip)
    builder.legend(legend.placement(LegendPlacement.BOTTOM))
    if panel.stacked:
        builder.stacking(common.StackingConfig().mode(StackingMode.NORMAL)).fill_opacity(60)
    return builder


def _last_value() -> common.ReduceDataOptions:
    return common.ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def _bargauge(panel: Panel) -> Builder:
    return (
        bargauge.Panel()
        .orientation(VizOrientation.HORIZONTAL)
        .display_mode(BarGaugeDisplayMode.GRADIENT)
        .reduce_options(_last_value())
    )


def _table(panel: Panel) -> Builder:
    # A table of label sets: the time and the value (always 1 for an info series) say nothing.
    hidden = {"Time": True, "Value": True, "__name__": True}
    return table.Panel().with_transformation({"id": "organize", "options": {"excludeByName": hidden}})


KINDS: dict[Kind, Callable[[Panel], Builder]] = {
    Kind.TIMESERIES: _timeseries,
    Kind.STAT: lambda panel: stat.Panel().reduce_options(_last_value()),
    Kind.BARGAUGE: _bargauge,
    Kind.HEATMAP: lambda panel: heatmap.Panel().calculate(False),
    Kind.TABLE: _table,
}


def query(target: Target, ref_id: str, kind: Kind) -> prometheus.Dataquery:
    builder = prometheus.Dataquery().expr(target.expr).ref_id(ref_id).datasource(DATASOURCE)
    if target.legend:
        builder.legend_format(target.legend)
    if target.instant:
        builder.instant()
    if kind is Kind.HEATMAP:
        builder.format(PromQueryFormat.HEATMAP)
    elif kind is Kind.TABLE:
        builder.format(PromQueryFormat.TABLE)
    return builder


def panel_builder(panel: Panel, panel_id: int) -> Builder:
    builder = KINDS[panel.kind](panel)
    sql = all(isinstance(target, SqlTarget) for target in panel.targets)
    source = POSTGRES if sql else DATASOURCE
    builder.id(panel_id).title(panel.title).description(panel.description).datasource(source)
    builder.unit(panel.unit.grafana).span(panel.width).height(HEIGHT)
    for ref_id, target in zip(string.ascii_uppercase, panel.targets, strict=False):
        builder.with_target(SqlQuery(target, ref_id, POSTGRES) if sql else query(target, ref_id, panel.kind))
    return builder
