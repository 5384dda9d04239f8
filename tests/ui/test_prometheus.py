"""`PrometheusClient`: range queries, and an error that says whether Prometheus is absent, down or refusing."""

from __future__ import annotations

import httpx
import pytest

from ui.prometheus import PrometheusClient, PrometheusError, Series, parse_matrix

pytestmark = pytest.mark.anyio


def mocked(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def matrix(*results: dict) -> dict:
    return {"status": "success", "data": {"resultType": "matrix", "result": list(results)}}


def test_a_matrix_becomes_named_series_with_gaps_for_nan() -> None:
    labels = {"__name__": "up", "job": "svc"}
    body = matrix({"metric": labels, "values": [[10, "1"], [25, "NaN"], [40, "+Inf"]]})
    assert parse_matrix(body) == [Series("svc", [(10.0, 1.0), (25.0, None), (40.0, None)], labels)]


def test_a_series_without_labels_is_named_after_its_metric_or_value() -> None:
    body = matrix({"metric": {}, "values": [[1, "2"]]}, {"metric": {"__name__": "up"}, "values": []})
    assert [series.name for series in parse_matrix(body)] == ["value", "up"]


async def test_query_range_sends_the_window_and_step() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=matrix())

    prometheus = PrometheusClient(mocked(handler), "http://prom.test", 1.0)
    assert await prometheus.query_range("up", 100.0, 200.0, 5.0) == []
    assert seen[0].url.path == "/api/v1/query_range"
    assert dict(seen[0].url.params) == {"query": "up", "start": "100.0", "end": "200.0", "step": "5.0"}


async def test_not_configured_is_said_without_a_request() -> None:
    with pytest.raises(PrometheusError, match="not configured"):
        await PrometheusClient(mocked(lambda _: pytest.fail("no request expected")), "", 1.0).query_range("up", 0, 1, 1)


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (lambda _: (_ for _ in ()).throw(httpx.ConnectError("refused")), "unreachable at http://prom.test"),
        (lambda _: httpx.Response(400, json={"status": "error", "error": "parse error"}), "refused.*parse error"),
        (lambda _: httpx.Response(404, text="not here"), "HTTP 404, not Prometheus JSON"),
    ],
)
async def test_failures_say_what_went_wrong(handler, message: str) -> None:
    prometheus = PrometheusClient(mocked(handler), "http://prom.test", 1.0)
    with pytest.raises(PrometheusError, match=message):
        await prometheus.query_range("up", 0, 1, 1)
