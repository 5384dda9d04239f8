"""The server's protocol: connection limits, header and body deadlines, the door, shutdown answers.

Driven by hand, as uvicorn's own tests drive theirs: bytes in, a fake transport records what goes
out, and the deadlines are timers the test fires itself (no waiting).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from types import SimpleNamespace

import pytest
import uvicorn
from uvicorn.server import ServerState

from services.inference.errors import Overloaded
from services.inference.server import LINGER_S, Door, answer_cut_off_requests, guarded_protocol
from services.inference.settings import ServiceSettings

GET = b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
POST = b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100\r\n\r\n"


class FakeTransport:
    def __init__(self) -> None:
        self.written = bytearray()
        self.closed = self.eof = False

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.eof = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class FakeTask:
    def add_done_callback(self, callback) -> None: ...


class FakeLoop:
    """Timers the test fires itself, and ASGI tasks recorded instead of run."""

    def __init__(self) -> None:
        self.timers: list[SimpleNamespace] = []
        self.tasks: list[object] = []

    def call_later(self, delay: float, callback, *args) -> SimpleNamespace:
        timer = SimpleNamespace(delay=delay, callback=callback, cancelled=False)
        timer.cancel = lambda: setattr(timer, "cancelled", True)
        self.timers.append(timer)
        return timer

    def pending(self) -> list[SimpleNamespace]:
        return [t for t in self.timers if not t.cancelled]

    def fire(self) -> None:
        (timer,) = self.pending()
        timer.cancelled = True
        timer.callback()

    def create_task(self, coroutine) -> FakeTask:
        coroutine.close()
        self.tasks.append(coroutine)
        return FakeTask()


class FakeScheduler:
    def __init__(self) -> None:
        self.full = False

    def refusal(self) -> Overloaded | None:
        return Overloaded("The service is at capacity; retry shortly.", 2) if self.full else None


async def no_app(scope, receive, send) -> None: ...


@pytest.fixture
def scheduler() -> FakeScheduler:
    return FakeScheduler()


@pytest.fixture
def door(scheduler: FakeScheduler) -> Door:
    app = SimpleNamespace(state={"service": SimpleNamespace(dataplane=SimpleNamespace(scheduler=scheduler))})
    return Door(app, retry_after_s=2)


@pytest.fixture
def connect_with(door: Door):
    """`connect_with(**settings)`: a new connection to a server whose settings are changed so."""
    config = uvicorn.Config(no_app, log_config=None, lifespan="off")
    state = ServerState()
    limits = {"max_connections": 2, "header_timeout_s": 10, "body_timeout_s": 30, "max_header_bytes": 1024}

    def connect(**overrides: object) -> tuple[object, FakeTransport, FakeLoop]:
        protocol_class = guarded_protocol(ServiceSettings(**{**limits, **overrides}), door)
        loop = FakeLoop()
        protocol = protocol_class(config=config, server_state=state, app_state={}, _loop=loop)
        transport = FakeTransport()
        protocol.connection_made(transport)
        return protocol, transport, loop

    return connect


@pytest.fixture
def connect(connect_with):
    return connect_with


def answer(transport: FakeTransport) -> tuple[int, dict[str, str], dict]:
    head, _, body = bytes(transport.written).partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, json.loads(body)


class TestDeadlines:
    def test_headers_that_never_complete_get_a_408_and_a_log_line(self, connect, caplog):
        protocol, transport, loop = connect()
        protocol.data_received(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\n")  # then nothing
        assert loop.pending()[0].delay == 10
        with caplog.at_level(logging.WARNING, "services.inference.server"):
            loop.fire()
        status, headers, body = answer(transport)
        assert status == 408 and "headers" in body["error"] and headers["connection"] == "close"
        assert "no complete request headers within 10 s" in caplog.text
        assert not loop.tasks  # the app never saw it

    def test_a_silent_connection_gets_the_same_deadline(self, connect):
        _, transport, loop = connect()
        loop.fire()
        assert answer(transport)[0] == 408

    def test_a_body_that_trickles_gets_a_408_and_is_cut_off(self, connect, caplog):
        protocol, transport, loop = connect()
        protocol.data_received(POST + b"x" * 10)
        assert loop.pending()[0].delay == 30
        with caplog.at_level(logging.WARNING, "services.inference.server"):
            loop.fire()
        assert answer(transport)[0] == 408 and transport.closed
        assert "body of POST /v1/predict not complete within 30 s" in caplog.text

    def test_a_complete_request_has_no_deadline_left(self, connect):
        protocol, _, loop = connect()
        protocol.data_received(POST + b"x" * 100)
        assert loop.tasks and not loop.pending()

    def test_headers_over_the_limit_get_a_431(self, connect):
        protocol, transport, _ = connect()
        protocol.data_received(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n")
        assert answer(transport)[0] == 431


class TestDoor:
    def test_a_post_is_refused_before_its_body_when_the_queue_is_full(self, connect, scheduler):
        scheduler.full = True
        protocol, transport, loop = connect()
        protocol.data_received(POST)  # the body has not come yet
        assert not transport.written and loop.pending()[0].delay == 0.05  # held: a retry loop is paced
        protocol.data_received(b"x" * 100)  # what it still sends is dropped
        loop.fire()
        status, headers, body = answer(transport)
        assert status == 503 and headers["retry-after"] == "2" and "capacity" in body["error"]
        assert headers["content-type"] == "application/json"
        assert transport.eof and not loop.tasks  # no ASGI task, and the client is told it is over
        assert loop.pending()[0].delay == LINGER_S  # then the socket closes

    def test_a_refusal_held_for_a_client_that_left_is_not_sent(self, connect, scheduler):
        scheduler.full = True
        protocol, transport, loop = connect()
        protocol.data_received(POST)
        transport.close()
        loop.fire()
        assert not transport.written

    def test_without_a_delay_the_refusal_leaves_at_once(self, connect_with, scheduler):
        scheduler.full = True
        protocol, transport, _ = connect_with(refusal_delay_ms=0)
        protocol.data_received(POST)
        assert answer(transport)[0] == 503 and transport.eof

    def test_a_get_passes_when_the_queue_is_full(self, connect, scheduler):
        scheduler.full = True
        protocol, transport, loop = connect()
        protocol.data_received(GET)
        assert loop.tasks and not transport.written

    def test_every_request_is_refused_while_draining(self, connect, door):
        door.draining = True
        protocol, transport, _ = connect()
        protocol.data_received(GET)
        status, headers, body = answer(transport)
        assert status == 503 and headers["retry-after"] == "2" and "shutting down" in body["error"]

    def test_connections_over_the_limit_get_a_503_at_once(self, connect):
        held = [connect(), connect()]
        _, transport, _ = connect()
        assert answer(transport)[0] == 503 and transport.eof
        assert all(not t.written for _, t, _ in held)


def test_a_request_cut_off_at_the_end_of_the_grace_period_gets_a_503():
    sent: list[dict] = []

    async def main() -> None:
        entered = asyncio.Event()

        async def stuck(scope, receive, send) -> None:
            entered.set()
            await asyncio.Event().wait()

        async def send(message: dict) -> None:
            sent.append(message)

        task = asyncio.ensure_future(answer_cut_off_requests(stuck, 3)({"type": "http"}, None, send))
        await entered.wait()  # the request is in the app
        task.cancel()  # what uvicorn does when the grace period ends
        await task

    asyncio.run(main())
    start, body = sent
    assert start["status"] == 503 and (b"retry-after", b"3") in start["headers"]
    assert "shut down" in json.loads(body["body"])["error"]


def test_serve_sets_the_gil_switch_interval_of_its_settings(monkeypatch):
    from services.inference import server

    ran = []
    monkeypatch.setattr(
        server, "DrainingServer", lambda config, door, drain_s: SimpleNamespace(run=lambda: ran.append(1))
    )
    before = sys.getswitchinterval()
    try:
        server.serve(object(), ServiceSettings(gil_switch_interval_ms=0.25))
        assert sys.getswitchinterval() == pytest.approx(0.00025)
        assert ran == [1]
    finally:
        sys.setswitchinterval(before)


def test_the_default_gil_switch_interval_is_shorter_than_pythons():
    assert ServiceSettings().gil_switch_interval_ms < 5
