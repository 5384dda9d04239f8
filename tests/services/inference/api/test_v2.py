"""The Open Inference Protocol endpoints: metadata, health, and inference in JSON and binary."""

from __future__ import annotations

import base64
import json
import struct
import threading

import numpy as np
import pytest
from litestar.testing import TestClient

from services.inference.api import v2
from tests.fixtures import TINY_LABELS, encode, solid, solid_jpeg, tiny_logits, tiny_logits_of_colour

HEADER = "Inference-Header-Content-Length"
INFER = "/v2/models/tiny/infer"
RED, BLUE = (255, 0, 0), (0, 0, 255)


def random_batch(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3, 16, 16)).astype(np.float32)


def fp32_input(batch: np.ndarray, name: str = "input") -> dict:
    return {"name": name, "datatype": "FP32", "shape": list(batch.shape), "data": batch.ravel().tolist()}


def binary_body(document: dict, *chunks: bytes) -> tuple[bytes, dict[str, str]]:
    """A binary-extension request: the JSON header, then the raw tensors; the header's length in a header."""
    header = json.dumps(document).encode()
    return header + b"".join(chunks), {HEADER: str(len(header)), "Content-Type": "application/octet-stream"}


def length_prefixed(items: list[bytes]) -> bytes:
    return b"".join(struct.pack("<I", len(item)) + item for item in items)


def split_binary_response(response) -> tuple[dict, dict[str, bytes]]:
    """The JSON header of a binary response and each output's raw bytes."""
    length = int(response.headers[HEADER])
    document, offset, raw = json.loads(response.content[:length]), length, {}
    for output in document["outputs"]:
        size = output["parameters"]["binary_data_size"]
        raw[output["name"]] = response.content[offset : offset + size]
        offset += size
    assert offset == len(response.content)
    return document, raw


def unpack_bytes(chunk: bytes) -> list[bytes]:
    items, offset = [], 0
    while offset < len(chunk):
        (length,) = struct.unpack_from("<I", chunk, offset)
        items.append(chunk[offset + 4 : offset + 4 + length])
        offset += 4 + length
    return items


def only_output(response) -> dict:
    assert response.status_code == 200, response.text
    (output,) = response.json()["outputs"]
    return output


class TestMetadataAndHealth:
    def test_server_metadata(self, client: TestClient):
        for path in ("/v2", "/v2/"):
            body = client.get(path).json()
            assert body["name"] == "inferlab"
            assert set(body["extensions"]) >= {"binary_tensor_data", "classification"}
            assert isinstance(body["version"], str) and body["version"]

    def test_health(self, client: TestClient):
        assert (client.get("/v2/health/live").status_code, client.get("/v2/health/live").json()) == (
            200,
            {"live": True},
        )
        assert (client.get("/v2/health/ready").status_code, client.get("/v2/health/ready").json()) == (
            200,
            {"ready": True},
        )

    @pytest.mark.parametrize("path", ["/v2/models/tiny", "/v2/models/tiny/versions/1"])
    def test_model_metadata(self, client: TestClient, path: str):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {
            "name": "tiny",
            "versions": ["1"],
            "platform": "onnxruntime_onnx",
            "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 3, 16, 16]}],
            "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 4]}],
        }

    @pytest.mark.parametrize("path", ["/v2/models/tiny/ready", "/v2/models/tiny/versions/1/ready"])
    def test_model_ready(self, client: TestClient, path: str):
        response = client.get(path)
        assert (response.status_code, response.json()) == (200, {"name": "tiny", "ready": True})

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/v2/models/resnet"),
            ("GET", "/v2/models/tiny/versions/2"),
            ("GET", "/v2/models/resnet/ready"),
            ("GET", "/v2/models/tiny/versions/2/ready"),
            ("POST", "/v2/models/resnet/infer"),
            ("POST", "/v2/models/tiny/versions/2/infer"),
        ],
    )
    def test_unknown_model(self, client: TestClient, method: str, path: str):
        response = client.request(method, path, json={"inputs": [fp32_input(random_batch(1))]})
        assert response.status_code == 404
        assert "Unknown model" in response.json()["error"]

    def test_a_model_that_is_not_ready(self, make_client):
        with make_client() as client:
            next(iter(client.app.state.service.dataplane.repository)).ready = False
            assert client.get("/v2/health/ready").status_code == 503
            assert client.get("/v2/models/tiny/ready").json() == {"name": "tiny", "ready": False}
            response = client.post(INFER, json={"inputs": [fp32_input(random_batch(1))]})
            assert response.status_code == 503 and "not ready" in response.json()["error"]
            assert client.get("/v2/health/live").status_code == 200


class TestJsonTensors:
    def test_fp32_infer(self, client: TestClient):
        batch = random_batch(2)
        response = client.post(INFER, json={"id": "req-1", "inputs": [fp32_input(batch)]})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert (body["model_name"], body["model_version"], body["id"]) == ("tiny", "1", "req-1")
        (output,) = body["outputs"]
        assert (output["name"], output["datatype"], output["shape"]) == ("logits", "FP32", [2, 4])
        np.testing.assert_allclose(np.reshape(output["data"], (2, 4)), tiny_logits(batch), rtol=1e-5, atol=1e-6)

    def test_nested_data_and_a_versioned_path(self, client: TestClient):
        batch = random_batch(1, seed=3)
        request = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 16, 16], "data": batch.tolist()}]}
        output = only_output(client.post("/v2/models/tiny/versions/1/infer", json=request))
        np.testing.assert_allclose(output["data"], tiny_logits(batch)[0], rtol=1e-5, atol=1e-6)

    @pytest.mark.parametrize("given", [{"trace": "abc", "try": 2}, 7, ["a", 1]])
    def test_an_id_is_echoed_as_given(self, client: TestClient, given: object):
        response = client.post(INFER, json={"id": given, "inputs": [fp32_input(random_batch(1))]})
        assert response.json()["id"] == given

    def test_without_an_id_the_response_has_none(self, client: TestClient):
        assert "id" not in client.post(INFER, json={"inputs": [fp32_input(random_batch(1))]}).json()

    def test_large_requests_are_parsed_off_the_event_loop(self, make_client, monkeypatch: pytest.MonkeyPatch):
        threads: list[int] = []
        real_decode = v2.decode_request

        def recording_decode(body: bytes, header_length: str | None):
            threads.append(threading.get_ident())
            return real_decode(body, header_length)

        monkeypatch.setattr(v2, "decode_request", recording_decode)
        small, large = random_batch(1), random_batch(8)
        with make_client(max_batch_images=8) as client:
            assert client.post(INFER, json={"inputs": [fp32_input(small)]}).status_code == 200
            body = json.dumps({"inputs": [fp32_input(large)]}).encode()
            assert len(body) > 64 * 1024
            output = only_output(client.post(INFER, content=body))
        np.testing.assert_allclose(np.reshape(output["data"], (8, 4)), tiny_logits(large), rtol=1e-5, atol=1e-6)
        loop_thread, worker_thread = threads
        assert worker_thread != loop_thread


class TestBinaryTensors:
    def test_binary_input_json_output(self, client: TestClient):
        batch = random_batch(2, seed=1)
        raw = batch.astype("<f4").tobytes()
        document = {
            "inputs": [
                {
                    "name": "input",
                    "datatype": "FP32",
                    "shape": [2, 3, 16, 16],
                    "parameters": {"binary_data_size": len(raw)},
                }
            ]
        }
        content, headers = binary_body(document, raw)
        output = only_output(client.post(INFER, content=content, headers=headers))
        np.testing.assert_allclose(np.reshape(output["data"], (2, 4)), tiny_logits(batch), rtol=1e-5, atol=1e-6)

    def test_binary_data_output(self, client: TestClient):
        batch = random_batch(3, seed=2)
        request = {"inputs": [fp32_input(batch)], "parameters": {"binary_data_output": True}}
        response = client.post(INFER, json=request)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        document, raw = split_binary_response(response)
        (output,) = document["outputs"]
        assert (output["name"], output["datatype"], output["shape"]) == ("logits", "FP32", [3, 4])
        assert "data" not in output
        logits = np.frombuffer(raw["logits"], dtype="<f4").reshape(3, 4)
        np.testing.assert_allclose(logits, tiny_logits(batch), rtol=1e-5, atol=1e-6)

    def test_per_output_binary_data(self, client: TestClient):
        batch = random_batch(1, seed=4)
        request = {"inputs": [fp32_input(batch)], "outputs": [{"name": "logits", "parameters": {"binary_data": True}}]}
        _, raw = split_binary_response(client.post(INFER, json=request))
        np.testing.assert_allclose(np.frombuffer(raw["logits"], "<f4"), tiny_logits(batch)[0], rtol=1e-5, atol=1e-6)

    def test_binary_data_output_applies_to_listed_outputs(self, client: TestClient):
        request = {
            "inputs": [fp32_input(random_batch(1))],
            "outputs": [{"name": "logits"}],
            "parameters": {"binary_data_output": True},
        }
        response = client.post(INFER, json=request)
        assert response.headers["content-type"] == "application/octet-stream"
        assert split_binary_response(response)[0]["outputs"][0]["parameters"]["binary_data_size"] == 16

    def test_an_output_can_ask_for_json_against_binary_data_output(self, client: TestClient):
        request = {
            "inputs": [fp32_input(random_batch(1))],
            "outputs": [{"name": "logits", "parameters": {"binary_data": False}}],
            "parameters": {"binary_data_output": True},
        }
        response = client.post(INFER, json=request)
        assert HEADER not in response.headers
        assert len(only_output(response)["data"]) == 4


class TestEncodedImages:
    def test_bytes_input_in_binary(self, client: TestClient):
        images = [encode(solid(RED)), encode(solid(BLUE))]
        chunk = length_prefixed(images)
        document = {
            "inputs": [
                {"name": "images", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": len(chunk)}}
            ]
        }
        content, headers = binary_body(document, chunk)
        output = only_output(client.post(INFER, content=content, headers=headers))
        expected = [tiny_logits_of_colour(RED), tiny_logits_of_colour(BLUE)]
        np.testing.assert_allclose(np.reshape(output["data"], (2, 4)), expected, rtol=1e-5, atol=1e-5)

    def test_bytes_input_in_json_as_base64(self, client: TestClient):
        images = [solid_jpeg(BLUE), encode(solid(RED))]
        data = [base64.b64encode(image).decode() for image in images]
        request = {"inputs": [{"name": "images", "datatype": "BYTES", "shape": [2], "data": data}]}
        output = only_output(client.post(INFER, json=request))
        assert np.argmax(np.reshape(output["data"], (2, 4)), axis=1).tolist() == [2, 0]

    def test_bytes_input_with_a_binary_classification(self, client: TestClient):
        chunk = length_prefixed([encode(solid(BLUE))])
        document = {
            "inputs": [
                {"name": "images", "datatype": "BYTES", "shape": [1], "parameters": {"binary_data_size": len(chunk)}}
            ],
            "outputs": [{"name": "logits", "parameters": {"classification": 1, "binary_data": True}}],
        }
        content, headers = binary_body(document, chunk)
        document, raw = split_binary_response(client.post(INFER, content=content, headers=headers))
        assert document["outputs"][0]["datatype"] == "BYTES"
        (top,) = unpack_bytes(raw["logits"])
        assert top.decode().endswith(":2:blue")


class TestClassification:
    def test_top_classes_as_strings(self, client: TestClient):
        batch = random_batch(2, seed=5)
        request = {"inputs": [fp32_input(batch)], "outputs": [{"name": "logits", "parameters": {"classification": 2}}]}
        output = only_output(client.post(INFER, json=request))
        assert (output["datatype"], output["shape"]) == ("BYTES", [2, 2])
        expected = tiny_logits(batch)
        for n in range(2):
            entries = [entry.split(":") for entry in output["data"][2 * n : 2 * n + 2]]
            order = np.argsort(-expected[n], kind="stable")[:2]
            assert [int(index) for _, index, _ in entries] == order.tolist()
            assert [label for _, _, label in entries] == [TINY_LABELS[i] for i in order]
            np.testing.assert_allclose([float(value) for value, _, _ in entries], expected[n][order], atol=2e-6)

    def test_class_count_alias_and_a_count_above_the_classes(self, client: TestClient):
        request = {
            "inputs": [fp32_input(random_batch(1))],
            "outputs": [{"name": "logits", "parameters": {"class_count": 9}}],
        }
        output = only_output(client.post(INFER, json=request))
        assert output["shape"] == [1, 4]
        assert sorted(entry.split(":")[2] for entry in output["data"]) == sorted(TINY_LABELS)
