"""Panels apart from any drawer: legends rendered as Grafana renders them, dashboards flattened in order."""

from __future__ import annotations

from telemetry.panels.spec import COUNT, Dashboard, Panel, Row, Target, legend_name


def test_a_legend_takes_the_series_labels() -> None:
    labels = {"model_name": "effnet", "model_version": "int8"}
    assert legend_name("{{model_name}} {{ model_version }}", labels) == "effnet int8"


def test_a_missing_label_reads_empty_and_the_rest_stays() -> None:
    assert legend_name("server errors {{job}}", {}) == "server errors"
    assert legend_name("total", {"job": "x"}) == "total"


def test_a_dashboard_lists_its_panels_and_targets_row_after_row() -> None:
    a, b, c = (Panel(t, "d", (Target(f"{t}_expr"),), COUNT) for t in "abc")
    dashboard = Dashboard("uid", "title", "description", (Row("one", (a, b)), Row("two", (c,))))
    assert dashboard.panels() == [a, b, c]
    assert [target.expr for target in dashboard.targets()] == ["a_expr", "b_expr", "c_expr"]
