"""Range queries against Prometheus's HTTP API, for the monitor page's charts.

Only what the page needs: `GET /api/v1/query_range`, answered as series of (unix time, value)
points, and one error type whose message says whether Prometheus is absent, down or refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import httpx


class PrometheusError(Exception):
    """Prometheus is not configured, cannot be reached, or refused the query."""


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[float, float | None]]
    labels: dict[str, str] = field(default_factory=dict)  # for a panel's legend to name the series


class PrometheusClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._http = http

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    async def query_range(self, expr: str, start: float, end: float, step_s: float) -> list[Series]:
        if not self.configured:
            raise PrometheusError("Prometheus is not configured (set INFERLAB_PROMETHEUS_URL).")
        params = {"query": expr, "start": start, "end": end, "step": step_s}
        try:
            response = await self._http.get(
                f"{self.base_url}/api/v1/query_range", params=params, timeout=self.timeout_s
            )
        except httpx.TransportError as exc:
            raise PrometheusError(f"Prometheus is unreachable at {self.base_url} ({type(exc).__name__}).") from None
        return parse_matrix(_body(response))


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        where = response.request.url.host
        raise PrometheusError(f"{where} answered HTTP {response.status_code}, not Prometheus JSON.") from None
    if not isinstance(body, dict) or body.get("status") != "success":
        detail = body.get("error", "no detail") if isinstance(body, dict) else "no detail"
        raise PrometheusError(f"Prometheus refused the query (HTTP {response.status_code}): {detail}")
    return body


def parse_matrix(body: dict) -> list[Series]:
    """A `matrix` result to series; NaN and infinities (empty histograms) become gaps."""
    result = body.get("data", {}).get("result", [])
    return [
        Series(_series_name(item.get("metric", {})), _points(item.get("values", [])), item.get("metric", {}))
        for item in result
    ]


def _series_name(labels: dict[str, str]) -> str:
    shown = {key: value for key, value in labels.items() if key != "__name__"}
    return ", ".join(f"{value}" for value in shown.values()) or labels.get("__name__", "value")


def _points(values: list) -> list[tuple[float, float | None]]:
    points = []
    for timestamp, text in values:
        value = float(text)
        points.append((float(timestamp), value if math.isfinite(value) else None))
    return points
