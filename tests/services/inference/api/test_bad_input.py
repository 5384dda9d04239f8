"""Bad requests of every kind get a 4xx with `{"error": ...}`, and the service goes on answering.

One service takes the whole table in turn, as a long-running process would.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from litestar.testing import TestClient
from PIL import Image

from services.inference.app import create_app
from tests.fixtures import encode, solid

HEADER = "Inference-Header-Content-Length"
MAX_BODY = 64 * 1024


def header_only_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


NOISE = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
JPEG = encode(Image.fromarray(NOISE), "JPEG")
TRUNCATED_JPEG = JPEG[: len(JPEG) // 2]  # the header is whole, the scan is cut
RANDOM_BYTES = np.random.default_rng(0).bytes(4096)
TEXT = b"# Notes\nThis is a text file, not a picture.\n"
GOOD_PNG = encode(solid((255, 0, 0)))


def raw(data: bytes, content_type: str = "image/jpeg") -> dict:
    return {"content": data, "headers": {"Content-Type": content_type}}


def upload(*files: tuple[str, bytes, str]) -> dict:
    return {"files": [("file", file) for file in files]}


def tensor(shape: list[int], datatype: str = "FP32", name: str = "input", **request) -> dict:
    count = int(np.prod(shape)) if shape else 1
    return {"json": {"inputs": [{"name": name, "datatype": datatype, "shape": shape, "data": [0] * count}], **request}}


def images(*items: bytes) -> dict:
    data = [base64.b64encode(item).decode() for item in items]
    return {"json": {"inputs": [{"name": "images", "datatype": "BYTES", "shape": [len(items)], "data": data}]}}


def with_header_length(body: bytes, length: str) -> dict:
    return {"content": body, "headers": {HEADER: length, "Content-Type": "application/octet-stream"}}


def binary_header_only(document: dict) -> dict:
    """A binary-extension request whose header promises tensors that the body does not carry."""
    header = json.dumps(document).encode()
    return with_header_length(header, str(len(header)))


def json_text(text: str) -> dict:
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


def fp32_text(values: str) -> dict:
    """An FP32 [1, 3, 16, 16] request whose first value is written as `values` in the JSON text."""
    data = ", ".join([values] + ["0.5"] * (3 * 16 * 16 - 1))
    return json_text(
        f'{{"inputs": [{{"name": "input", "datatype": "FP32", "shape": [1, 3, 16, 16], "data": [{data}]}}]}}'
    )


def fp32_binary(values: np.ndarray) -> dict:
    header = json.dumps(
        {
            "inputs": [
                {"name": "input", "datatype": "FP32", "shape": [1, 3, 16, 16], "parameters": {"binary_data_size": 3072}}
            ]
        }
    ).encode()
    return with_header_length(header + values.astype("<f4").tobytes(), str(len(header)))


def many_parts(count: int) -> dict:
    part = b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n'
    return {"content": part * count + b"--b--\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=b"}}


def nested(depth: int, inner: str) -> str:
    return "[" * depth + inner + "]" * depth


WITH_NAN = np.full((1, 3, 16, 16), 0.5, np.float32)
WITH_NAN[0, 1, 2, 3] = np.nan
PREDICT, BATCH, INFER = "/v1/predict", "/v1/predict/batch", "/v2/models/tiny/infer"
BAD = {
    # v1: images
    "truncated jpeg": (PREDICT, raw(TRUNCATED_JPEG), 400, "truncated or corrupt"),
    "random bytes": (PREDICT, raw(RANDOM_BYTES), 400, "not an image"),
    "empty body": (PREDICT, raw(b""), 400, "empty"),
    "text file as an image": (PREDICT, raw(TEXT, "image/png"), 400, "not an image"),
    "text file uploaded": (PREDICT, upload(("notes.md", TEXT, "text/markdown")), 400, "not an image"),
    "empty upload": (PREDICT, upload(("empty.png", b"", "image/png")), 400, "empty"),
    "pixel limit": (PREDICT, raw(header_only_png(2000, 2000), "image/png"), 413, "4,000,000 pixels"),
    "decompression bomb": (PREDICT, raw(header_only_png(100_000, 100_000), "image/png"), 413, "too large"),
    # The tiny model needs 19 px a side: 16 times that per side, 304 x 304 px, is the most it decodes.
    "png over the model's decode budget": (PREDICT, raw(header_only_png(400, 400), "image/png"), 413, "budget"),
    # v1: the request itself
    "text content type": (PREDICT, raw(GOOD_PNG, "text/plain"), 415, "text/plain"),
    "no content type": (PREDICT, {"content": GOOD_PNG}, 415, "(none)"),
    "form without file": (PREDICT, {"files": {"image": ("a.png", GOOD_PNG, "image/png")}}, 400, "no field 'file'"),
    "form with text in file": (PREDICT, {"files": {"file": (None, b"hello")}}, 400, "not a text value"),
    "body too large": (PREDICT, raw(b"\xff" * (MAX_BODY + 1)), 413, "65,536 bytes"),
    "top_k zero": (PREDICT + "?top_k=0", raw(GOOD_PNG, "image/png"), 400, "top_k"),
    "unknown model": (PREDICT + "?model=resnet", raw(GOOD_PNG, "image/png"), 404, "resnet"),
    "form of over 1,000 parts": (BATCH, many_parts(1001), 400, "more than 1,000 parts"),
    "too many images": (BATCH, upload(*[("a.png", GOOD_PNG, "image/png")] * 5), 400, "limit is 4"),
    "batch as text": (BATCH, raw(b"a,b", "text/csv"), 415, "text/csv"),
    # v2: the document
    "malformed json": (
        INFER,
        {"content": b'{"inputs": [', "headers": {"Content-Type": "application/json"}},
        400,
        "JSON",
    ),
    "json not an object": (INFER, {"json": ["input"]}, 400, "JSON object"),
    "json nested 30,000 deep": (INFER, json_text(f'{{"inputs": {nested(30_000, "")}}}'), 400, "nested"),
    "bytes data nested 990 deep": (
        INFER,
        json_text(
            '{"inputs": [{"name": "images", "datatype": "BYTES", "shape": [1], "data": '
            + nested(990, '"' + base64.b64encode(GOOD_PNG).decode() + '"')
            + "}]}"
        ),
        400,
        "nested",
    ),
    "id nested 900 deep": (
        INFER,
        json_text(
            '{"id": ' + nested(900, "1") + ', "inputs": ' + json.dumps(tensor([1, 3, 16, 16])["json"]["inputs"]) + "}"
        ),
        400,
        "nested",
    ),
    "NaN in json": (INFER, fp32_text("NaN"), 400, "NaN"),
    "Infinity in json": (INFER, fp32_text("-Infinity"), 400, "Infinity"),
    "a number too large for FP32": (INFER, fp32_text("1e400"), 400, "finite"),
    "NaN in a binary tensor": (INFER, fp32_binary(WITH_NAN), 400, "finite"),
    "values whose logits overflow": (INFER, fp32_binary(np.full((1, 3, 16, 16), 3e38)), 400, "finite"),
    "header length beyond body": (INFER, with_header_length(b'{"inputs": []}', "4096"), 400, HEADER),
    "header length not a number": (INFER, with_header_length(b'{"inputs": []}', "lots"), 400, HEADER),
    "binary size beyond body": (
        INFER,
        binary_header_only(
            {
                "inputs": [
                    {
                        "name": "input",
                        "datatype": "FP32",
                        "shape": [1, 3, 16, 16],
                        "parameters": {"binary_data_size": 3072},
                    }
                ]
            }
        ),
        400,
        "binary_data_size",
    ),
    # v2: tensors
    "wrong shape": (INFER, tensor([1, 3, 8, 8]), 400, "[N, 3, 16, 16]"),
    "wrong rank": (INFER, tensor([3, 16, 16]), 400, "[N, 3, 16, 16]"),
    "values do not fill the shape": (
        INFER,
        {"json": {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 16, 16], "data": [0.5] * 7}]}},
        400,
        "7 values",
    ),
    "huge shape": (
        INFER,
        {"json": {"inputs": [{"name": "input", "datatype": "FP32", "shape": [2**62, 4], "data": []}]}},
        400,
        "shape",
    ),
    "wrong datatype": (INFER, tensor([1, 3, 16, 16], "INT64"), 400, "must be FP32"),
    "unsupported datatype": (INFER, tensor([1, 3, 16, 16], "FP16"), 400, "FP16"),
    "unknown input": (INFER, tensor([1, 3, 16, 16], name="pixels"), 400, "Unknown input 'pixels'"),
    "unknown output": (INFER, tensor([1, 3, 16, 16], outputs=[{"name": "probabilities"}]), 400, "Unknown output"),
    "two inputs": (
        INFER,
        {"json": {"inputs": tensor([1, 3, 16, 16])["json"]["inputs"] * 2}},
        400,
        "one input",
    ),
    "empty batch": (INFER, tensor([0, 3, 16, 16]), 400, "no image"),
    "too large a batch": (INFER, tensor([5, 3, 16, 16]), 400, "limit is 4"),
    "classification not a count": (
        INFER,
        tensor([1, 3, 16, 16], outputs=[{"name": "logits", "parameters": {"classification": "all"}}]),
        400,
        "count",
    ),
    # v2: encoded images
    "bytes of a broken image": (INFER, images(GOOD_PNG, TRUNCATED_JPEG), 400, "truncated or corrupt"),
    "bytes of a bomb": (INFER, images(header_only_png(100_000, 100_000)), 413, "too large"),
    "bytes over the decode budget": (INFER, images(header_only_png(400, 400)), 413, "budget"),
    "bytes of text": (INFER, images(TEXT), 400, "not an image"),
    "v2 body too large": (INFER, {"content": b" " * (MAX_BODY + 1)}, 413, "65,536 bytes"),
    "v2 unknown model": (
        "/v2/models/resnet/infer",
        tensor([1, 3, 16, 16]),
        404,
        "Unknown model resnet",
    ),
}


@pytest.fixture(scope="module")
def service(tiny_model_file: Path, settings_for) -> Iterator[TestClient]:
    settings = settings_for(
        [tiny_model_file], max_body_bytes=MAX_BODY, max_image_pixels=1_000_000, max_batch_images=4, decode_floor_side=0
    )
    with TestClient(create_app(settings)) as client:
        yield client


def assert_still_serving(client: TestClient) -> None:
    assert client.get("/v2/health/ready").status_code == 200
    prediction = client.post(PREDICT, content=GOOD_PNG, headers={"Content-Type": "image/png"})
    assert prediction.status_code == 200 and prediction.json()["predictions"][0]["label"] == "red"
    inference = client.post(INFER, json=tensor([1, 3, 16, 16])["json"])
    assert inference.status_code == 200
    assert client.app.state.service.dataplane.scheduler.admitted == 0


@pytest.mark.parametrize(("path", "request_kwargs", "status", "fragment"), BAD.values(), ids=BAD.keys())
def test_bad_request(service: TestClient, path: str, request_kwargs: dict, status: int, fragment: str):
    response = service.post(path, **request_kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert fragment in body["error"]
    assert_still_serving(service)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", PREDICT, 405), ("DELETE", "/v1/models", 405), ("GET", "/v3/models", 404), ("GET", INFER, 405)],
)
def test_wrong_routes(service: TestClient, method: str, path: str, status: int):
    response = service.request(method, path)
    assert response.status_code == status
    assert isinstance(response.json()["error"], str)
    assert_still_serving(service)


@pytest.fixture(scope="module")
def budget_service(tiny_model_file: Path, settings_for) -> Iterator[TestClient]:
    settings = settings_for([tiny_model_file], max_batch_images=4, request_decode_images=2, decode_floor_side=0)
    with TestClient(create_app(settings)) as client:
        yield client


class TestRequestPixelBudget:
    """What one request may make the workers decode in all, checked from the headers before decoding."""

    IMAGE = encode(solid((255, 0, 0), (250, 250)))  # 62,500 pixels; the tiny model's budget is 304 x 304

    def test_within_the_budget(self, budget_service: TestClient):
        response = budget_service.post(BATCH, **upload(*[("a.png", self.IMAGE, "image/png")] * 2))
        assert response.status_code == 200
        assert [item["status"] for item in response.json()["results"]] == [200, 200]

    @pytest.mark.parametrize(
        "path_and_request",
        [(BATCH, upload(*[("a.png", IMAGE, "image/png")] * 4)), (INFER, images(*[IMAGE] * 4))],
        ids=["v1 batch", "v2 bytes"],
    )
    def test_over_the_budget_is_a_413_before_any_decoding(
        self, budget_service: TestClient, path_and_request, monkeypatch
    ):
        service = budget_service
        path, request_kwargs = path_and_request
        model = service.app.state.service.dataplane.repository.default
        monkeypatch.setattr(model, "prepare", lambda data: pytest.fail("decoded an image of a refused request"))
        response = service.post(path, **request_kwargs)
        assert response.status_code == 413
        assert "250,000 pixels" in response.json()["error"] and "budget" in response.json()["error"]
        monkeypatch.undo()
        assert_still_serving(service)
