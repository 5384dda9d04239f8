"""`GET /metrics`: the Prometheus exposition of the registry this app was given."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest


class MetricsController(Controller):
    path = "/metrics"
    tags = ["telemetry"]
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def metrics(self, state: State) -> Response:
        # Litestar appends the charset itself.
        return Response(generate_latest(state.service.registry), media_type=CONTENT_TYPE_LATEST.split("; charset")[0])
