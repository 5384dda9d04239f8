"""The HTTP server around the app: uvicorn, with the limits a service on a network needs.

- Connections: at most `max_connections` at once; a new one beyond is answered 503 and closed
  before anything is read from it.
- Deadlines: a request's line and headers must arrive within `header_timeout_s` (and stay under
  `max_header_bytes`), its body within `body_timeout_s` after them; a client that trickles is
  answered 408 and cut off, and the log says so. Idle keep-alive connections close after
  `keep_alive_s` (uvicorn's own timer).
- Admission at the door: every POST asks for inference capacity. When the scheduler has no room
  the protocol itself answers 503 with Retry-After, before the body is read, without an ASGI task,
  routing or an access-log line: refusing stays cheap, so that overload does not starve the
  workers. The 503 leaves after `refusal_delay_ms` (a timer): clients that retry at once, ignoring
  Retry-After, are paced instead of spinning the event loop with thousands of refusals a second.
  (Those refusals are counted by the scheduler, not by the per-route HTTP metrics.)
- Shutdown: on SIGTERM, new requests, those waiting in the listen backlog included, are answered
  503 with Retry-After for `drain_s`, then the socket closes; requests cut off when the grace
  period ends are answered 503 too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from services.inference.accesslog import quiet_probes
from services.inference.errors import ModelNotReady, Overloaded
from services.inference.settings import ServiceSettings

log = logging.getLogger(__name__)
# How long a refused client's remaining bytes are read and dropped before the socket closes: closing
# with unread data would reset the connection and could destroy the answer before the client reads it.
LINGER_S = 2.0
REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large", 503: b"Service Unavailable"}
ASGIApp = Callable[..., Any]


def error_bytes(status: int, message: str, headers: dict[str, str] | None = None) -> bytes:
    """A whole HTTP/1.1 response with the service's `{"error": ...}` body, closing the connection."""
    body = json.dumps({"error": message}).encode()
    lines = [b"HTTP/1.1 %d %s" % (status, REASONS[status]), b"content-type: application/json"]
    lines += [f"{name}: {value}".encode() for name, value in (headers or {}).items()]
    lines += [b"content-length: %d" % len(body), b"connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Door:
    """What every connection asks before it lets a request in."""

    def __init__(self, app: Any, retry_after_s: int) -> None:
        self._app = app
        self.retry_after_s = retry_after_s
        self.draining = False

    def refusal(self, method: bytes) -> Overloaded | None:
        if self.draining:
            return Overloaded("The service is shutting down; retry shortly.", self.retry_after_s)
        if method != b"POST":  # only POSTs (predict, infer) ask for inference capacity
            return None
        service = self._app.state.get("service")
        try:
            return None if service is None else service.dataplane.scheduler.refusal()
        except ModelNotReady:
            return None  # still starting: the route answers 503 with why


class Throttled:
    """A warning logged at most once per `every_s`, with how many times it happened meanwhile."""

    def __init__(self, every_s: float = 10.0) -> None:
        self.every_s = every_s
        self._count = 0
        self._last = -float("inf")

    def warning(self, message: str, *args: object) -> None:
        self._count += 1
        now = time.monotonic()
        if now - self._last >= self.every_s:
            log.warning(message + " (%d times since the last such line)", *args, self._count)
            self._count, self._last = 0, now


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with connection limits, header and body deadlines, and the door.

    Subclassed per server by `guarded_protocol`, which sets `settings` and `door`.
    """

    settings: ServiceSettings
    door: Door
    too_many = Throttled()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._refused = False
        self._timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        if len(self.connections) > self.settings.max_connections:
            self.too_many.warning("over %d connections: a new one was answered 503", self.settings.max_connections)
            self._refuse(503, "The service has too many connections open; retry shortly.", retry=True)
            return
        self._arm(self.settings.header_timeout_s, self._headers_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # what a refused client still sends is read and dropped
        super().data_received(data)

    def on_message_begin(self) -> None:
        if self._refused:
            return
        super().on_message_begin()
        self._header_bytes = 0
        if self._timer is None:  # the next request of a kept-alive connection
            self._arm(self.settings.header_timeout_s, self._headers_timed_out)

    def on_url(self, url: bytes) -> None:
        if self._refused or not self._count_header_bytes(len(url)):
            return
        if self.url == b"" and self._refused_at_the_door():
            return  # the method is known from the request line: no header is looked at
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._refused and self._count_header_bytes(len(name) + len(value)):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._cancel()
        if self.url == b"" and self._refused_at_the_door():  # a request line without a path
            return
        super().on_headers_complete()
        self._arm(self.settings.body_timeout_s, self._body_timed_out)

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._cancel()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._cancel()  # answered before its body was read (a 413, say): no body deadline any more
        super().on_response_complete()

    def _refused_at_the_door(self) -> bool:
        refusal = self.door.refusal(self.parser.get_method())
        if refusal is not None:
            delay_s = 0.0 if self.door.draining else self.settings.refusal_delay_ms / 1000
            self._refuse(503, refusal.message, retry=True, delay_s=delay_s)
        return refusal is not None

    def _count_header_bytes(self, size: int) -> bool:
        self._header_bytes += size
        if self._header_bytes <= self.settings.max_header_bytes:
            return True
        log.warning("%s: request headers over %d bytes; answered 431", self._who(), self.settings.max_header_bytes)
        self._refuse(431, f"The request line and headers are over {self.settings.max_header_bytes:,} bytes.")
        return False

    def _headers_timed_out(self) -> None:
        self._timer = None
        log.warning(
            "%s: no complete request headers within %g s; answered 408", self._who(), self.settings.header_timeout_s
        )
        self._refuse(408, f"The request's headers did not arrive within {self.settings.header_timeout_s:g} s.")

    def _body_timed_out(self) -> None:
        self._timer = None
        scope = self.scope or {}
        log.warning(
            "%s: body of %s %s not complete within %g s; answered 408",
            self._who(),
            scope.get("method"),
            scope.get("path"),
            self.settings.body_timeout_s,
        )
        if self.cycle is not None and not self.cycle.response_started:
            message = f"The request's body did not arrive within {self.settings.body_timeout_s:g} s."
            self.transport.write(error_bytes(408, message))
        self.transport.close()  # the app sees the client gone; its own answer is dropped

    def _refuse(self, status: int, message: str, *, retry: bool = False, delay_s: float = 0.0) -> None:
        """Answer `status` and close; what the client still sends is dropped. After `delay_s` if given."""
        self._refused = True
        self._cancel()
        headers = {"retry-after": str(self.door.retry_after_s)} if retry else None
        if delay_s > 0:
            self._arm(delay_s, lambda: self._answer_and_close(error_bytes(status, message, headers)))
        else:
            self._answer_and_close(error_bytes(status, message, headers))

    def _answer_and_close(self, response: bytes) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._arm(LINGER_S, self.transport.close)

    def _arm(self, seconds: float, callback: Callable[[], None]) -> None:
        self._cancel()
        self._timer = self.loop.call_later(seconds, callback)

    def _cancel(self) -> None:
        if getattr(self, "_timer", None) is not None:
            self._timer.cancel()
            self._timer = None

    def _who(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"


def guarded_protocol(settings: ServiceSettings, door: Door) -> type[GuardedProtocol]:
    return type("ServiceProtocol", (GuardedProtocol,), {"settings": settings, "door": door})


def answer_cut_off_requests(app: ASGIApp, retry_after_s: int) -> ASGIApp:
    """An ASGI wrapper: a request cancelled before it answered (the grace period ended) gets a 503."""

    async def guarded(scope: dict[str, Any], receive: ASGIApp, send: ASGIApp) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if started:
                raise
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            body = json.dumps({"error": "The service shut down before answering; retry shortly."}).encode()
            headers = [(b"content-type", b"application/json"), (b"retry-after", str(retry_after_s).encode())]
            headers += [(b"content-length", str(len(body)).encode()), (b"connection", b"close")]
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    return guarded


class DrainingServer(uvicorn.Server):
    """On shutdown, answers new requests 503 for `drain_s` before closing the listening socket."""

    def __init__(self, config: uvicorn.Config, door: Door, drain_s: float) -> None:
        super().__init__(config)
        self.door = door
        self.drain_s = drain_s

    async def shutdown(self, sockets: Any = None) -> None:
        self.door.draining = True
        if self.drain_s > 0:
            log.info("draining: new requests get 503 for %g s, then the socket closes", self.drain_s)
            await asyncio.sleep(self.drain_s)
        await super().shutdown(sockets)


def raise_open_files_limit() -> None:
    """Up to the hard limit: every connection is a file descriptor, and 1024 is a common default."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-files limit from %d: %s", soft, exc)


def serve(app: Any, settings: ServiceSettings) -> None:
    raise_open_files_limit()
    # The event loop and the inference workers share the GIL: a worker back from a call that released
    # it (onnxruntime, Pillow, numpy) waits until the loop lets it go, its core idle meanwhile. Python
    # makes a thread that holds it let go after the switch interval; the default 5 ms is most of an image.
    sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)
    door = Door(app, settings.retry_after_s)
    config = uvicorn.Config(
        answer_cut_off_requests(app, settings.retry_after_s),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        http=guarded_protocol(settings, door),
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=settings.shutdown_grace_s,
        # No limit_concurrency: the protocol bounds connections itself, and one connection runs at
        # most one request at a time. The body limit is the app's (with a JSON 413).
    )
    quiet_probes(settings.log_probes)  # after uvicorn's Config, which configures its loggers
    DrainingServer(config, door, settings.drain_s).run()
