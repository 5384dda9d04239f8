"""The canary's probe against a fake service (httpx's MockTransport): scoring, timing, failures."""

from __future__ import annotations

import httpx
import pytest

from services.registry.canary import Answer, CanaryResult, run_canary
from services.registry.errors import RegistryError
from services.registry.samples import LabelledPhoto

PHOTOS = (
    LabelledPhoto("cat.jpg", b"cat", frozenset({"tabby"})),
    LabelledPhoto("cup.png", b"cup", frozenset({"espresso"})),
    LabelledPhoto("dog.webp", b"dog", frozenset({"beagle"})),
)
ANSWERS = {b"cat": "tabby", b"cup": "cup", b"dog": "beagle"}


def fake_service(request: httpx.Request) -> httpx.Response:
    """The v1 API's answer; the label depends on the uploaded bytes, the dog photo fails with a 500."""
    assert request.url.path == "/v1/predict"
    body = request.read()
    label = next(label for data, label in ANSWERS.items() if data in body)
    if label == "beagle":
        return httpx.Response(500, json={"detail": "boom"})
    prediction = {"label": label, "index": 1, "score": 0.9}
    return httpx.Response(200, json={"model": "m", "version": "2", "predictions": [prediction], "timings_ms": {}})


def test_every_round_sends_every_photo_as_a_multipart_file() -> None:
    seen = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["content-type"].split(";")[0], request.url.params["top_k"]))
        return fake_service(request)

    with httpx.Client(transport=httpx.MockTransport(recording)) as http:
        result = run_canary(http, "http://service:8000/", PHOTOS, rounds=2)
    assert len(result.answers) == len(seen) == 6
    assert set(seen) == {("multipart/form-data", "1")}


def test_accuracy_counts_failed_requests_as_wrong() -> None:
    with httpx.Client(transport=httpx.MockTransport(fake_service)) as http:
        result = run_canary(http, "http://service:8000", PHOTOS, rounds=2)
    assert result.accuracy == pytest.approx(1 / 3)  # cat right, cup wrong, dog failed
    assert result.failed == 2
    assert result.served == ("m", "2")
    assert set(result.latency_quantiles()) == {0.5, 0.95}


def test_an_unreachable_service_is_an_error_naming_it() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(refused)) as http,
        pytest.raises(RegistryError, match="service:8000"),
    ):
        run_canary(http, "http://service:8000", PHOTOS, rounds=1)


def test_a_swap_during_the_check_shows_both_versions_and_the_majority_wins() -> None:
    answers = (
        Answer("cat.jpg", "tabby", "m", "1", 0.01),
        Answer("cat.jpg", "tabby", "m", "2", 0.02),
        Answer("cat.jpg", "tabby", "m", "2", 0.03),
    )
    result = CanaryResult("http://s", PHOTOS[:1], answers, 0.0)
    assert result.served == ("m", "2")
    assert result.versions_seen == ["m/1", "m/2"]
    assert result.latency_quantiles()[0.5] == pytest.approx(0.02)


def test_latency_leaves_failed_requests_out() -> None:
    answers = (Answer("cat.jpg", "tabby", "m", "1", 0.01), Answer("cat.jpg", "", "", "", 9.0, error="HTTP 503"))
    result = CanaryResult("http://s", PHOTOS[:1], answers, 0.0)
    assert result.latency_quantiles()[0.95] == pytest.approx(0.01)
    assert CanaryResult("http://s", PHOTOS[:1], answers[1:], 0.0).served == ("unknown", "unknown")
