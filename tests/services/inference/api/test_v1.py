"""The upload API: `/v1/predict`, `/v1/predict/batch` and `/v1/models`, on the tiny model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from litestar.testing import TestClient

from services.inference.app import create_app
from tests.fixtures import TINY_LABELS, encode, solid, solid_jpeg, tiny_logits_of_colour, write_tiny_classifier

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
STAGES = {"queue", "decode", "preprocess", "inference", "postprocess", "total"}


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(solid(colour, size))


def post_raw(client: TestClient, data: bytes, content_type: str = "image/png", **params):
    return client.post("/v1/predict", content=data, headers={"Content-Type": content_type}, params=params)


def assert_error(response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]
    for fragment in fragments:
        assert fragment in body["error"]


class TestPredict:
    def test_multipart_upload(self, client: TestClient):
        response = client.post("/v1/predict", files={"file": ("red.png", png(RED), "image/png")})
        assert response.status_code == 200
        body = response.json()
        assert (body["model"], body["version"], body["batch_size"]) == ("tiny", "1", 1)
        assert body["image"] == {"width": 40, "height": 30}
        assert set(body["timings_ms"]) == STAGES

    def test_scores_match_the_reference(self, client: TestClient):
        body = post_raw(client, png(BLUE), top_k=4).json()
        logits = tiny_logits_of_colour(BLUE)
        probabilities = np.exp(logits) / np.exp(logits).sum()
        order = np.argsort(-probabilities, kind="stable")
        assert [p["label"] for p in body["predictions"]] == [TINY_LABELS[i] for i in order]
        assert [p["index"] for p in body["predictions"]] == order.tolist()
        np.testing.assert_allclose([p["score"] for p in body["predictions"]], probabilities[order], atol=1e-6)

    def test_raw_jpeg_body(self, client: TestClient):
        response = post_raw(client, solid_jpeg(GREEN, (64, 48)), "image/jpeg")
        assert response.status_code == 200
        assert response.json()["predictions"][0]["label"] == "green"
        assert response.json()["image"] == {"width": 64, "height": 48}

    def test_octet_stream_body(self, client: TestClient):
        assert post_raw(client, png(RED), "application/octet-stream").json()["predictions"][0]["label"] == "red"

    def test_default_top_k_comes_from_the_settings(self, client: TestClient):
        assert len(post_raw(client, png(RED)).json()["predictions"]) == 3

    @pytest.mark.parametrize(("top_k", "count"), [(1, 1), (2, 2), (4, 4), (1000, 4)])
    def test_top_k(self, client: TestClient, top_k: int, count: int):
        predictions = post_raw(client, png(RED), top_k=top_k).json()["predictions"]
        assert len(predictions) == count
        scores = [p["score"] for p in predictions]
        assert scores == sorted(scores, reverse=True)

    @pytest.mark.parametrize("top_k", ["0", "1001", "-1", "many"])
    def test_bad_top_k(self, client: TestClient, top_k: str):
        assert_error(post_raw(client, png(RED), top_k=top_k), 400, "top_k")

    def test_two_files_on_the_single_endpoint(self, client: TestClient):
        files = [("file", ("a.png", png(RED), "image/png")), ("file", ("b.png", png(BLUE), "image/png"))]
        assert_error(client.post("/v1/predict", files=files), 400, "/v1/predict/batch")


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two versions of "tiny" (the second with French labels) and a model "other"."""
    directory = tmp_path_factory.mktemp("three-models")
    return [
        write_tiny_classifier(directory, "tiny-1.onnx"),
        write_tiny_classifier(directory, "tiny-2.onnx", version="2", labels=["rouge", "vert", "bleu", "gris"]),
        write_tiny_classifier(directory, "other.onnx", name="other", labels=["r", "g", "b", "k"]),
    ]


@pytest.fixture(scope="module")
def three(models: list[Path], settings_for) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(models))) as client:
        yield client


class TestModelSelection:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({}, ("tiny", "1", "red")),
            ({"model": "tiny"}, ("tiny", "1", "red")),
            ({"model": "tiny", "version": "2"}, ("tiny", "2", "rouge")),
            ({"model": "other"}, ("other", "1", "r")),
        ],
    )
    def test_model_and_version(self, three: TestClient, params: dict, expected: tuple[str, str, str]):
        body = post_raw(three, png(RED), **params).json()
        assert (body["model"], body["version"], body["predictions"][0]["label"]) == expected

    def test_unknown_model(self, three: TestClient):
        assert_error(post_raw(three, png(RED), model="resnet"), 404, "resnet", "other/1, tiny/1, tiny/2")

    def test_unknown_version(self, three: TestClient):
        assert_error(post_raw(three, png(RED), model="tiny", version="9"), 404, "tiny version 9")

    def test_list_models(self, three: TestClient):
        response = three.get("/v1/models")
        assert response.status_code == 200
        models = response.json()["models"]
        assert [(m["name"], m["version"], m["default"]) for m in models] == [
            ("tiny", "1", True),
            ("tiny", "2", False),
            ("other", "1", False),
        ]
        assert all(m["ready"] and m["classes"] == 4 and m["input_shape"] == [3, 16, 16] for m in models)

    def test_batch_on_a_chosen_model(self, three: TestClient):
        files = [("file", ("a.png", png(BLUE), "image/png"))]
        item = three.post("/v1/predict/batch", files=files, params={"model": "other"}).json()["results"][0]
        assert item["result"]["model"] == "other" and item["result"]["predictions"][0]["label"] == "b"


class TestBatch:
    def test_one_bad_file_among_good_ones(self, client: TestClient):
        files = [
            ("file", ("red.png", png(RED), "image/png")),
            ("file", ("notes.txt", b"remember the milk", "text/plain")),
            ("file", ("blue.jpg", solid_jpeg(BLUE), "image/jpeg")),
        ]
        response = client.post("/v1/predict/batch", files=files, params={"top_k": 2})
        assert response.status_code == 200
        red, bad, blue = response.json()["results"]
        assert (red["filename"], red["status"], red["result"]["predictions"][0]["label"]) == ("red.png", 200, "red")
        assert len(red["result"]["predictions"]) == 2
        assert (bad["filename"], bad["status"]) == ("notes.txt", 400)
        assert "result" not in bad and "not an image" in bad["error"]
        assert (blue["status"], blue["result"]["predictions"][0]["label"]) == (200, "blue")
        assert "error" not in blue

    def test_an_image_over_the_pixel_limit_is_a_413_item(self, client: TestClient):
        files = [
            ("file", ("huge.png", png(RED, (1001, 1000)), "image/png")),
            ("file", ("ok.png", png(RED), "image/png")),
        ]
        huge, ok = client.post("/v1/predict/batch", files=files).json()["results"]
        assert huge["status"] == 413 and "1,000,000" in huge["error"]
        assert ok["status"] == 200

    def test_too_many_images(self, client: TestClient):
        files = [("file", (f"{i}.png", png(RED), "image/png")) for i in range(5)]
        assert_error(client.post("/v1/predict/batch", files=files), 400, "5 images", "limit is 4")

    def test_a_raw_body_is_a_batch_of_one(self, client: TestClient):
        response = client.post("/v1/predict/batch", content=png(GREEN), headers={"Content-Type": "image/png"})
        (item,) = response.json()["results"]
        assert item["filename"] is None and item["result"]["predictions"][0]["label"] == "green"


class TestRefusals:
    @pytest.mark.parametrize("content_type", ["text/plain", "application/json", "video/mp4"])
    def test_wrong_content_type(self, client: TestClient, content_type: str):
        assert_error(post_raw(client, png(RED), content_type), 415, content_type, "multipart/form-data")

    def test_body_over_the_limit(self, make_client):
        with make_client(max_body_bytes=4096) as client:
            assert_error(post_raw(client, b"\0" * 5000), 413, "4,096 bytes")
            files = {"file": ("big.png", b"\0" * 5000, "image/png")}
            assert_error(client.post("/v1/predict", files=files), 413)
            assert post_raw(client, png(RED)).status_code == 200

    def test_overload_is_a_503_with_retry_after(self, make_client):
        with make_client(retry_after_s=7) as client:
            scheduler = client.app.state.service.dataplane.scheduler
            with scheduler.admit(scheduler.capacity):
                response = post_raw(client, png(RED))
                batch = client.post("/v1/predict/batch", files=[("file", ("a.png", png(RED), "image/png"))])
            assert_error(response, 503, "capacity")
            assert response.headers["Retry-After"] == "7"
            assert_error(batch, 503)
            assert post_raw(client, png(RED)).status_code == 200

    def test_overload_by_a_request_in_flight(self, make_client):
        with make_client(workers=1, queue_size=0) as client:
            model = next(iter(client.app.state.service.dataplane.repository))
            entered, release = threading.Event(), threading.Event()
            real_prepare = model.prepare

            def slow_prepare(data: bytes):
                entered.set()
                release.wait(30)
                return real_prepare(data)

            model.prepare = slow_prepare
            responses = []
            in_flight = threading.Thread(target=lambda: responses.append(post_raw(client, png(RED))))
            in_flight.start()
            try:
                assert entered.wait(30)
                refused = post_raw(client, png(BLUE))
                # Refused at once, not queued: the request in flight holds the only slot until `release`.
                assert in_flight.is_alive() and not responses
            finally:
                release.set()
                in_flight.join(30)
            assert_error(refused, 503)
            assert refused.headers["Retry-After"] == "1"
            assert responses[0].status_code == 200
