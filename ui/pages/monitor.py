"""Monitor: the service's overview panels drawn from Prometheus, and links to the lab's other tools.

The panels are the Service overview of `telemetry.panels`, the list Grafana's dashboard is built
from, so this page and Grafana show the same figures under the same legends; when Prometheus is not
there, the page says so and draws nothing rather than something made up.
"""

from __future__ import annotations

import asyncio
import time

from nicegui import ui

from telemetry.panels import Panel, Target, legend_name, service_overview
from ui.backends import Backends
from ui.layout import frame
from ui.prometheus import PrometheusError, Series
from ui.state import PanelData
from ui.tools import Tool, lab_tools

POINTS_PER_CHART = 120


class PanelView:
    """One chart card; `show()` swaps its series in place, or says why there are none."""

    def __init__(self, panel: Panel) -> None:
        self.panel = panel
        with ui.card().classes("w-full p-4 gap-1").mark(f"panel-{panel.title}"):
            with ui.row().classes("w-full items-baseline justify-between"):
                ui.label(panel.title).classes("text-base font-semibold")
                ui.label(panel.unit.label).classes("text-xs text-slate-500")
            queries = "\n".join(target.expr for target in panel.targets)
            ui.label(panel.description).classes("text-xs text-slate-400 truncate w-full").tooltip(queries)
            with ui.column().classes("w-full h-56 items-center justify-center") as self.placeholder:
                ui.icon("show_chart", size="2rem", color="grey-4")
                self.note = ui.label("waiting for the first query…").classes("text-sm text-slate-500")
            self.note.mark("panel-note")
            self.chart = ui.echart(_chart_options(panel)).classes("w-full h-56")
            self.chart.set_visibility(False)

    def show(self, data: PanelData) -> None:
        has_points = any(point[1] is not None for series in data.series for point in series.points)
        self.note.text = "no data: Prometheus did not answer" if data.error else "no data for this panel yet"
        self.placeholder.set_visibility(not has_points)
        self.chart.set_visibility(has_points)
        if has_points:
            self.chart.options["series"] = [
                {"name": s.name, "type": "line", "showSymbol": False, "data": [[t * 1000, v] for t, v in s.points]}
                for s in data.series
            ]
            self.chart.update()


class MonitorPage:
    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self.settings = backends.settings
        self.views: list[PanelView] = []

    def build(self) -> None:
        with frame(self.backends.service, "/monitor", every_s=self.settings.status_every_s):
            self.tool_links()
            self.banner = ui.label().classes("w-full p-3 rounded-lg text-sm").mark("prometheus-status")
            with ui.grid(columns=2).classes("w-full gap-4 max-md:grid-cols-1"):
                self.views = [PanelView(panel) for panel in service_overview()]
            ui.timer(self.settings.monitor_every_s, self.refresh)

    def tool_links(self) -> None:
        with ui.row().classes("w-full gap-2 items-center"):
            ui.label("Lab tools").classes("text-sm font-medium text-slate-600 mr-2")
            for tool in lab_tools(self.settings):
                if tool.link_url:
                    _tool_link(self.backends, tool)
                else:
                    ui.chip(f"{tool.name}: not configured", icon="link_off", color="grey-3").props("dense").mark(
                        tool.marker
                    )

    async def refresh(self) -> None:
        """Query every panel at once over the last window; a failure explains itself on the banner."""
        end = time.time()
        window = self.settings.monitor_window_s
        results = await asyncio.gather(*(self._query(v.panel, end - window, end) for v in self.views))
        for view, data in zip(self.views, results, strict=True):
            view.show(data)
        self._banner(next((data.error for data in results if data.error), None))

    async def _query(self, panel: Panel, start: float, end: float) -> PanelData:
        """Every target of the panel, its series named by the target's legend as Grafana names them."""
        step = max((end - start) / POINTS_PER_CHART, 1.0)
        try:
            answers = await asyncio.gather(
                *(self.backends.prometheus.query_range(t.expr, start, end, step) for t in panel.targets)
            )
        except PrometheusError as error:
            return PanelData(error=str(error))
        return PanelData([_named(s, t) for t, series in zip(panel.targets, answers, strict=True) for s in series])

    def _banner(self, failure: str | None) -> None:
        if failure is None:
            minutes = self.settings.monitor_window_s // 60
            self.banner.text = f"Prometheus at {self.settings.prometheus_url}: the last {minutes} minutes."
            self.banner.classes(replace="w-full p-3 rounded-lg text-sm bg-green-50 text-green-800")
        else:
            self.banner.text = f"{failure} The charts stay empty until it answers; nothing is drawn from guesses."
            self.banner.classes(replace="w-full p-3 rounded-lg text-sm bg-amber-50 text-amber-900")


def _tool_link(backends: Backends, tool: Tool) -> None:
    with ui.link(target=tool.link_url, new_tab=True).classes("no-underline").mark(tool.marker):
        chip = ui.chip(tool.name, icon="open_in_new", color="grey-3").props("dense clickable").tooltip(tool.link_url)

    async def probe() -> None:
        up = await backends.reachable(tool.probe_url)
        chip.text = tool.name if up else f"{tool.name} (not answering)"
        chip.props(f"color={'green-2' if up else 'grey-3'}")

    ui.timer(0.1, probe, once=True)


def _named(series: Series, target: Target) -> Series:
    name = legend_name(target.legend, series.labels) if target.legend else ""
    return Series(name or series.name, series.points, series.labels)


def _chart_options(panel: Panel) -> dict:
    return {
        "grid": {"left": 48, "right": 16, "top": 24, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": panel.unit.label, "nameGap": 8},
        "series": [],
    }


def register(backends: Backends) -> None:
    @ui.page("/monitor")
    def monitor_page() -> None:
        MonitorPage(backends).build()
