"""`ServiceClient` and `errors`: every failure becomes an `ApiError` a person can read (httpx MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from ui.client import ModelInfo, Readiness, ServiceClient
from ui.errors import ApiError

pytestmark = pytest.mark.anyio
BASE = "http://service.test"
ANSWER = {
    "model": "tiny",
    "version": "2",
    "predictions": [{"label": "red", "index": 0, "score": 0.9}, {"label": "grey", "index": 3, "score": 0.1}],
    "timings_ms": {"decode": 1.0, "total": 3.5},
    "image": {"width": 40, "height": 30},
    "batch_size": 1,
}


def client(handler) -> ServiceClient:
    return ServiceClient(httpx.AsyncClient(transport=httpx.MockTransport(handler)), BASE, timeout_s=1.5)


async def predict_error(handler) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await client(handler).predict(b"bytes", "a.png", top_k=2)
    return caught.value


async def test_predict_sends_the_file_and_parameters_and_reads_the_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ANSWER)

    model = ModelInfo("tiny", "2", ready=True, default=False)
    result = await client(handler).predict(b"PNGDATA", "a.png", top_k=2, model=model)
    assert seen[0].url.params == httpx.QueryParams({"top_k": "2", "model": "tiny", "version": "2"})
    assert b'filename="a.png"' in seen[0].content and b"PNGDATA" in seen[0].content
    assert (result.model, result.version, result.top.label, result.width) == ("tiny", "2", "red", 40)
    assert result.timings_ms == {"decode": 1.0, "total": 3.5}
    assert result.round_trip_ms > 0


@pytest.mark.parametrize(
    ("status", "title"),
    [(400, "Not an image the service can read"), (413, "Too large"), (415, "Not an image"),
     (404, "Model not found"), (500, "The service failed (HTTP 500)"), (422, "Refused (HTTP 422)")],
)  # fmt: skip
async def test_error_statuses_get_a_title_and_keep_the_services_words(status: int, title: str) -> None:
    error = await predict_error(lambda _: httpx.Response(status, json={"error": "the service's own words"}))
    assert (error.title, error.detail, error.status) == (title, "the service's own words", status)


async def test_503_with_retry_after_says_overloaded_and_when_to_retry() -> None:
    error = await predict_error(lambda _: httpx.Response(503, json={"error": "busy"}, headers={"Retry-After": "3"}))
    assert (error.title, error.retry_after_s) == ("Service overloaded: retry in 3 s", 3)


async def test_503_without_retry_after_says_not_ready() -> None:
    error = await predict_error(lambda _: httpx.Response(503, json={"error": "loading"}))
    assert (error.title, error.retry_after_s) == ("Service not ready", None)


async def test_an_error_without_json_uses_the_reason_phrase() -> None:
    error = await predict_error(lambda _: httpx.Response(502, text="<html>bad gateway</html>"))
    assert (error.title, error.detail) == ("The service failed (HTTP 502)", "Bad Gateway")


def raiser(exc: Exception):
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "title", "detail"),
    [
        (httpx.ConnectError("refused"), "Service down", "Nothing answers at http://service.test"),
        (httpx.ReadTimeout("slow"), "Timed out", "did not answer within 1.5 s"),
        (httpx.RemoteProtocolError("cut"), "Connection lost", "broke: cut"),
    ],
)
async def test_transport_failures_are_named(exc: Exception, title: str, detail: str) -> None:
    error = await predict_error(raiser(exc))
    assert error.title == title and detail in error.detail


@pytest.mark.parametrize("body", [{"unexpected": True}, {"model": "m"}])
async def test_a_2xx_answer_of_the_wrong_shape_is_an_error_not_a_crash(body: dict) -> None:
    error = await predict_error(lambda _: httpx.Response(200, json=body))
    assert error.title == "Unexpected answer"


async def test_a_2xx_answer_that_is_not_json_is_an_error() -> None:
    error = await predict_error(lambda _: httpx.Response(200, text="<html>a login page</html>"))
    assert error.title == "Unexpected answer"


@pytest.mark.parametrize(
    ("handler", "readiness"),
    [
        (lambda _: httpx.Response(200, json={"ready": True}), Readiness.READY),
        (lambda _: httpx.Response(503, json={"ready": False}), Readiness.NOT_READY),
        (raiser(httpx.ConnectError("refused")), Readiness.DOWN),
        (raiser(httpx.ConnectTimeout("slow")), Readiness.DOWN),
    ],
)
async def test_readiness(handler, readiness: Readiness) -> None:
    assert await client(handler).readiness() is readiness


async def test_models_lists_name_version_and_default() -> None:
    body = {"models": [{"name": "tiny", "version": "1", "ready": True, "default": True, "classes": 4}]}
    models = await client(lambda _: httpx.Response(200, json=body)).models()
    assert models == [ModelInfo("tiny", "1", True, True)] and models[0].key == "tiny:1"
