"""The dashboards' content: what the issue asks each one to show, every metric on some panel, no blanks."""

from __future__ import annotations

import pytest

from telemetry import instruments as i
from telemetry import recorded as r
from telemetry.panels import DASHBOARDS, Dashboard, Kind, service_overview
from telemetry.panels.model import MODEL_DASHBOARD
from telemetry.panels.service import SERVICE_OVERVIEW

# The service's own metrics (issue #3). The registry issue's shadow, swap and registry-error metrics
# get their champion-vs-challenger row when that issue lands.
SERVICE_INSTRUMENTS = (
    i.HTTP_DURATION, i.HTTP_ACTIVE, i.STAGE_DURATION, i.BATCH_SIZE, i.QUEUE_DEPTH, i.IN_PROGRESS, i.CAPACITY,
    i.REJECTIONS, i.IMAGES, i.ERRORS, i.INPUT_PIXELS, i.INPUT_BYTES, i.BRIGHTNESS, i.CONTRAST_I, i.ASPECT_RATIO,
    i.TOP_CLASS, i.CONFIDENCE, i.ENTROPY, i.MODEL_INFO, i.MODEL_READY,
)  # fmt: skip


def expressions(dashboard: Dashboard) -> str:
    """Every target's expression, with each recorded series spelled out as the query it records."""
    text = "\n".join(target.expr for target in dashboard.targets())
    for series in r.ALL:
        text = text.replace(series.record, f"{series.record}({series.expr})")
    return text


def test_uids_are_fixed_distinct_and_prefixed() -> None:
    uids = [d.uid for d in DASHBOARDS]
    assert uids == [
        "inferlab-service",
        "inferlab-model",
        "inferlab-registry",
        "inferlab-canary",
        "inferlab-load",
        "inferlab-resources",
    ]


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=lambda d: d.uid)
def test_every_panel_has_a_distinct_title_a_description_and_a_query(dashboard: Dashboard) -> None:
    panels = dashboard.panels()
    assert len({p.title for p in panels}) == len(panels)  # the UI marks its cards by title
    for panel in panels:
        assert panel.description.strip() and panel.targets and 1 <= panel.width <= 24, panel.title
        assert all(target.expr.strip() for target in panel.targets), panel.title


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=lambda d: d.uid)
def test_instant_queries_only_where_one_value_per_series_is_drawn(dashboard: Dashboard) -> None:
    for panel in dashboard.panels():
        if any(target.instant for target in panel.targets):
            assert panel.kind in (Kind.BARGAUGE, Kind.TABLE), panel.title


def test_the_service_overview_shows_rate_errors_latency_in_flight_queue_and_rejections() -> None:
    text = expressions(SERVICE_OVERVIEW)
    for series in (r.REQUEST_RATE, r.FAILURE_RATIO, r.LATENCY_P50, r.LATENCY_P95, r.LATENCY_P99):
        assert series.record in text
    for instrument in (i.HTTP_ACTIVE, i.QUEUE_DEPTH, i.REJECTIONS):
        assert instrument.prometheus_name in text


def test_the_model_dashboard_shows_stages_classes_confidence_entropy_drift_and_versions() -> None:
    text = expressions(MODEL_DASHBOARD)
    for instrument in (i.STAGE_DURATION, i.TOP_CLASS, i.CONFIDENCE, i.ENTROPY, i.BRIGHTNESS, i.CONTRAST_I,
                       i.ASPECT_RATIO, i.MODEL_INFO):  # fmt: skip
        assert instrument.prometheus_name in text, instrument.name
    assert "topk(10," in text


@pytest.mark.parametrize("instrument", SERVICE_INSTRUMENTS, ids=lambda instrument: instrument.name)
def test_every_metric_of_the_service_is_on_some_dashboard(instrument: i.Instrument) -> None:
    assert any(instrument.prometheus_name in expressions(d) for d in DASHBOARDS)


def test_the_ui_gets_a_fresh_list_of_the_service_overview() -> None:
    service_overview().clear()
    assert [p.title for p in service_overview()][:2] == ["Request rate", "Error ratio"]
