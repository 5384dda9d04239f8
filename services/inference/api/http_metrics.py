"""HTTP server metrics (`http.server.request.duration`, `http.server.active_requests`) as ASGI middleware.

Litestar's OpenTelemetry plugin labels requests with the raw path, whose cardinality grows with
every model name a client tries; this records the route template instead (`/v2/models/{name}/infer`).
It runs after routing, so paths that match no route (scanners, typos) are not recorded at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from services.inference.metrics import ServiceMetrics


def http_metrics(metrics: ServiceMetrics) -> Callable[[ASGIApp], ASGIApp]:
    def middleware_factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            method, route = scope["method"], scope.get("path_template", "")
            status = 500  # what the client sees if the app fails before it answers

            async def send_and_watch(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            metrics.http_active.add(1, method, route)
            started = time.perf_counter()
            try:
                await app(scope, receive, send_and_watch)
            finally:
                metrics.http_active.add(-1, method, route)
                attributes = {"http.request.method": method, "http.route": route, "http.response.status_code": status}
                metrics.http_duration.record(time.perf_counter() - started, attributes)

        return middleware

    return middleware_factory
