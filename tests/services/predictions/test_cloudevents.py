"""The CloudEvents sink against a real HTTP receiver on 127.0.0.1, read back with the CloudEvents SDK."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from cloudevents.http import from_http

from services.predictions.cloudevents import EVENT_TYPE, CloudEventsSink
from services.predictions.event import ShadowAnswer
from tests.services.predictions.events import event


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 202

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def sink_for(receiver: Receiver) -> CloudEventsSink:
    return CloudEventsSink(receiver.url, source="http://inference:8000/", inference_service="inferlab",
                           namespace="lab", timeout_s=5)  # fmt: skip


def test_binary_mode_with_kserve_s_payload_logger_attributes(receiver: Receiver) -> None:
    e = event("blue", 0.7, alias="champion", request_id="req-7", thumbnail=b"jpeg",
              shadow=ShadowAnswer("tiny", "2", "red", 0, 0.6))  # fmt: skip
    sink = sink_for(receiver)
    sink.write([e])
    sink.close()
    ((headers, body),) = receiver.received
    cloud_event = from_http(headers, body)
    assert cloud_event["specversion"] == "1.0"
    assert (cloud_event["id"], cloud_event["type"], cloud_event["source"]) == (
        e.id,
        EVENT_TYPE,
        "http://inference:8000/",
    )
    assert cloud_event["inferenceservicename"] == "inferlab" and cloud_event["namespace"] == "lab"
    assert (cloud_event["component"], cloud_event["endpoint"]) == ("predictor", "champion")
    data = json.loads(body)
    assert (data["label"], data["confidence"], data["request_id"]) == ("blue", 0.7, "req-7")
    assert data["shadow"]["version"] == "2" and "thumbnail" not in data and "image" not in data


def test_a_refusal_is_an_error_the_writer_counts(receiver: Receiver) -> None:
    receiver.status = 500
    sink = sink_for(receiver)
    with pytest.raises(httpx.HTTPStatusError):
        sink.write([event()])
    sink.close()
