"""Every SQL panel of the Predictions dashboard, run on a real PostgreSQL filled through the prediction log:
each must return rows, of the shape its format asks (a `time` column, in order, for series)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from prometheus_client import CollectorRegistry

from services.predictions.api import prediction_routes
from services.predictions.log import PredictionLog
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.settings import PredictionLogSettings
from telemetry.grafana.dashboards import dashboard_json
from telemetry.panels import SQL_DASHBOARDS, SqlTarget
from tests.fixtures import TINY_LABELS
from tests.services.predictions.events import event
from tests.telemetry.grafana.sql_macros import expand

pytestmark = pytest.mark.integration
PANELS = [(d.uid, p.title, t) for d in SQL_DASHBOARDS for p in d.panels() for t in p.targets]


def photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def filled(postgres_server) -> Iterator[str]:
    """A log with two versions' answers, some low-confidence, and feedback both right and wrong."""
    from tests.postgres import fresh_database

    url = fresh_database(postgres_server)
    settings = PredictionLogSettings(database_url=url)
    log = PredictionLog(settings, PredictionLogMetrics(CollectorRegistry()), lambda m, v: TINY_LABELS)
    log.start()
    now = datetime.now(UTC)
    events = [
        event(label, score, version=version, created_at=now - timedelta(minutes=minutes), image=photo((9, 9, 9)))
        for minutes, (label, score, version) in enumerate(
            [("red", 0.9, "1"), ("blue", 0.3, "1"), ("red", 0.8, "2"), ("grey", 0.45, "2"), ("green", 0.7, "1")] * 3
        )
    ]
    for e in events:
        log.record(e)
    try:
        with TestClient(Litestar([prediction_routes(log)])) as client:
            for e, truth in zip(events[:6], ["red", "red", "red", "blue", "green", "blue"], strict=True):
                assert client.post(f"/v1/predictions/{e.id}/feedback", json={"label": truth}).status_code == 200
        yield url
    finally:
        log.stop()


def test_the_committed_json_holds_the_panels_sql() -> None:
    for dashboard in SQL_DASHBOARDS:
        written = [t["rawSql"] for p in dashboard_json(dashboard)["panels"] if p["type"] != "row" for t in p["targets"]]
        assert written == [t.sql for p in dashboard.panels() for t in p.targets]


@pytest.mark.parametrize(("uid", "title", "target"), PANELS, ids=[f"{u}:{t}" for u, t, _ in PANELS])
def test_each_panel_query_returns_rows_of_its_format(filled: str, uid: str, title: str, target: SqlTarget) -> None:
    now = datetime.now(UTC)
    sql = expand(target.sql, now - timedelta(hours=1), now + timedelta(minutes=1))
    with psycopg.connect(filled) as connection, connection.cursor() as cursor:
        rows = cursor.execute(sql).fetchall()
        columns = [c.name for c in cursor.description]
    assert rows, f"{title}: no rows"
    if not target.table:
        assert columns[0] == "time" and "metric" in columns, columns
        times = [row[0] for row in rows]
        assert times == sorted(times), f"{title}: Grafana needs series sorted by time"
        values = [v for row in rows for c, v in zip(columns, row, strict=True) if c not in ("time", "metric")]
        assert all(isinstance(v, int | float) or v is None for v in values) and any(values)


def test_an_unknown_macro_is_refused_as_grafana_refuses_it() -> None:
    with pytest.raises(ValueError, match="undefined macro"):
        expand("SELECT $__timeEpoch(created_at)", datetime.now(UTC), datetime.now(UTC))
