"""The canary's metrics: a fresh registry per run, labelled with the measured model; a dead gateway is an error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.registry.canary import Answer, CanaryResult
from services.registry.canary_push import GatewayUnreachable, canary_registry, push
from services.registry.errors import RegistryError
from services.registry.samples import LabelledPhoto
from tests.live import free_port

PHOTOS = (LabelledPhoto("cat.jpg", b"", frozenset({"tabby"})), LabelledPhoto("cup.png", b"", frozenset({"cup"})))
RESULT = CanaryResult(
    "http://service",
    PHOTOS,
    (Answer("cat.jpg", "tabby", "effnet", "3", 0.010), Answer("cup.png", "plate", "effnet", "3", 0.030)),
    finished_at=1_700_000_000.0,
)
LABELS = {"model": "effnet", "version": "3"}


@pytest.fixture
def http_status_server() -> Iterator[str]:
    """A server on 127.0.0.1 (a thread) that answers every push with a 500, as a broken gateway would."""

    class Refuse(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_error(500, "broken")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_run_becomes_gauges_labelled_with_model_and_version() -> None:
    registry = canary_registry(RESULT, min_accuracy=0.6)
    assert registry.get_sample_value("inferlab_canary_accuracy", LABELS) == 0.5
    assert registry.get_sample_value("inferlab_canary_accuracy_threshold", LABELS) == 0.6
    assert registry.get_sample_value("inferlab_canary_requests_failed", LABELS) == 0
    assert registry.get_sample_value("inferlab_canary_last_run_timestamp_seconds", LABELS) == 1_700_000_000.0
    p50 = registry.get_sample_value("inferlab_canary_latency_seconds", {**LABELS, "quantile": "0.5"})
    p95 = registry.get_sample_value("inferlab_canary_latency_seconds", {**LABELS, "quantile": "0.95"})
    assert (p50, p95) == pytest.approx((0.020, 0.029))


def test_each_run_gets_a_registry_of_its_own() -> None:
    assert canary_registry(RESULT, 0.6) is not canary_registry(RESULT, 0.6)  # no duplicate-metric errors


def test_an_unreachable_gateway_is_a_skip_naming_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(GatewayUnreachable, match=f"no Pushgateway answers at {url} .*push skipped"):
        push(canary_registry(RESULT, 0.6), url, timeout_s=5)


@pytest.mark.integration  # a gateway stand-in listens on 127.0.0.1
def test_a_gateway_that_refuses_the_push_is_an_error(http_status_server: str) -> None:
    with pytest.raises(RegistryError, match="refused the push") as raised:
        push(canary_registry(RESULT, 0.6), http_status_server, timeout_s=5)
    assert not isinstance(raised.value, GatewayUnreachable)
